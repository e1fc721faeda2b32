"""Paper: the common page (fonts, words, dates), charts for PDF, the visit brief, briefs in a
batch, the day pack, and the scorecard report."""
