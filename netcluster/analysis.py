"""What :func:`netcluster.pipeline.analyze` returns: every table and figure of one run, with
the organisation network as networkx or igraph graphs and a notebook view."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .graph import frames_to_igraph, frames_to_networkx
from .write.notebook_view import analysis_html

__all__ = ["Analysis"]


@dataclass
class Analysis:
    """Everything :func:`netcluster.pipeline.analyze` computed (the tables are also written to
    ``out_dir``).

    Attributes
    ----------
    dataset, network, projection
        The dataset, its organisation–project network and the one-mode projection.
    organisations, ties : DataFrame
        The organisations (attributes and every measure) and ties tables of the outputs.
    openness, region_matrix, scorecard, evolution_year, evolution_phase, growth, ei_test,
    gatekeepers : DataFrame
        The tables behind the report.
    ei : EIResult
        E-I index by network, group and organisation (:func:`netcluster.openness.ei_index`).
    cross_region : DataFrame
        Cross-group tie shares (:func:`netcluster.linkage.cross_region_share`).
    wide_region_matrix : DataFrame or None
        Region × region matrix of the 5+2 wide economic regions.
    communities_vs_declared : dict
        Leiden communities against declared mini-clusters and complexes.
    network_page : dict
        What network.html shows (its rule, nodes shown and in total).
    params : dict
        Every parameter and method used.
    structure_year, structure_phase : DataFrame
        The network's structure per year and per programme phase
        (:func:`netcluster.structure.structure_over_time`; empty without years or phases).
    type_shares_year, type_shares_phase, innovation_system : DataFrame
        Each organisation type's share of ties, betweenness and project leads per year and
        phase (:func:`netcluster.systems.type_shares_over_time`: the public-led question), and
        each province's regional innovation system
        (:func:`netcluster.systems.regional_innovation_system`).
    breaks : DataFrame
        Segmented trends of the cross-group tie shares around the second phase's first year
        (:func:`netcluster.changes.segmented_fit`).
    similar_projects, budget_concentration, repeatedly_funded : DataFrame
        Duplication and concentration of funding (:mod:`netcluster.funding`).
    outcome_effects, outcome_events : DataFrame
        The participation effect on each firm-year outcome and its event study
        (:func:`netcluster.outcomes.participation_effect`; empty without outcomes).
    changes : DataFrame
        The change of the headline figures between the first two phases (or halves of the
        years), with bootstrap intervals and permutation p-values
        (:func:`netcluster.changes.compare_periods`).
    timings, files : dict
        Seconds per stage; the files written.
    """

    dataset: object
    network: object
    projection: object
    organisations: pd.DataFrame
    ties: pd.DataFrame
    openness: pd.DataFrame
    region_matrix: pd.DataFrame
    scorecard: pd.DataFrame
    evolution_year: pd.DataFrame
    evolution_phase: pd.DataFrame
    growth: pd.DataFrame
    ei_test: pd.DataFrame
    gatekeepers: pd.DataFrame
    ei: object
    cross_region: pd.DataFrame
    wide_region_matrix: pd.DataFrame | None
    communities_vs_declared: dict
    params: dict
    structure_year: pd.DataFrame | None = None
    structure_phase: pd.DataFrame | None = None
    changes: pd.DataFrame | None = None
    outcome_effects: pd.DataFrame | None = None
    outcome_events: pd.DataFrame | None = None
    type_shares_year: pd.DataFrame | None = None
    type_shares_phase: pd.DataFrame | None = None
    innovation_system: pd.DataFrame | None = None
    similar_projects: pd.DataFrame | None = None
    budget_concentration: pd.DataFrame | None = None
    repeatedly_funded: pd.DataFrame | None = None
    breaks: pd.DataFrame | None = None
    network_page: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    def __post_init__(self):
        if getattr(self.network, "dataset", None) is None:  # built from the participations alone
            self.network.dataset = self.dataset

    def to_networkx(self):
        """The organisation network as a networkx.Graph carrying everything the outputs carry:
        each node every column of :attr:`organisations` (attributes, centralities, communities,
        brokerage, the analyst's columns), each edge every column of :attr:`ties` (weight,
        shared projects, backbone p-values, years)."""
        return frames_to_networkx(self.organisations, self.ties)

    def to_igraph(self):
        """The organisation network as an igraph.Graph: vertex ``name`` = org id (igraph's
        identifier), ``label`` = the organisation's name, and every other column of
        :attr:`organisations`; every column of :attr:`ties` on the edges."""
        return frames_to_igraph(self.organisations, self.ties)

    def _repr_html_(self) -> str:
        """Notebook display: the headline figures and links to the pages
        (:func:`netcluster.write.notebook_view.analysis_html`)."""
        return analysis_html(self)

    def __repr__(self):
        s = self.dataset.summary()
        return (f"<Analysis: {s['organisations']:,} organisations, {self.projection.n_ties:,} ties, "
                f"{len(self.scorecard)} headline figures; files: {sorted(self.files)}>")
