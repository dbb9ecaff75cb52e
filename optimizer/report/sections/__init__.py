"""The report's sections, one builder per module, in the order ``optimizer.report.build`` lists
them; ``common`` holds what they share."""
