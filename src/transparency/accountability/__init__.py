"""What regulators do about platforms: the curated register of regulator actions and cases,
actions scraped from regulator feeds (faithful feed records, resolution, matching), currency
conversion at the action's date, the NCMEC CyberTipline cross-check, and the build step that
puts them in the warehouse.

A new regulator feed's parser goes in ``scrapers/`` (sharing ``scrapers/_regulator_feeds.py``);
how feeds become actions goes here.
"""
