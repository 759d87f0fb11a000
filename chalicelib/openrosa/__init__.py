"""OpenRosa (ODK Collect, KoboCollect, Enketo): forms built from the report models, submissions read back."""
