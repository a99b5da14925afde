"""Writers: tables (CSV, workbook), graph files, the HTML pages and the report, and the one
specification of their columns (:mod:`netcluster.write.columns`).  Writers read results; they
never compute an indicator."""
