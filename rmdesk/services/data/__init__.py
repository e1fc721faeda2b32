"""Data in and out: importers (Berka, bank marketing, a bank's own extract), the product
catalogue, the demo bank, exports and the engine's result reports."""
