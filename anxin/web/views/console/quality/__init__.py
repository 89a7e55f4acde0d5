"""The quality inspector's workspace (/console/quality/): alerts, tasks and their inspections,
sampling plans, public notices and the description-accuracy flags. Every page reads through
``anxin.quality.selectors``/``accuracy`` and writes through ``anxin.quality.services``; who may
take which step is the quality app's rule (``quality.permissions``)."""
