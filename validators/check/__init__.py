"""Checking: the declared frame (internal columns), normalisation, codici fiscali, the rules and the engine
that runs them through pandera. Output: a Checked value (registro.validators.api) with its Report.
"""
