"""Pure rules of importing contact lists: sniffing, column mapping, cleaning, merging, reporting.

File reading and the database live in :mod:`mailer_desktop.services.importing`.
"""
