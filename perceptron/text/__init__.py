"""Text about numbers: the printing rule (:mod:`.worked`: a number printed true at its precision, a worked line
that holds as printed) and the sentences the pages and the lesson say about a run's numbers (:mod:`.teaching`).
numpy and the engine only: below the session, which says them too, and the views, which place them."""
