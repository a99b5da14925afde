"""Running ``analyze``: its steps (:mod:`netcluster.run.steps`), the plan runner
(:mod:`netcluster.run.plan`) and the second-core task pool (:mod:`netcluster.run.pool`)."""
