"""The nightly engine: profit contribution, the facts each rule reads, risk rules and the
flags they raise, cross-sell suggestions and their outcomes, and the scoring run that writes
them."""
