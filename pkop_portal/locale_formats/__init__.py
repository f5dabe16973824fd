"""Date and time formats of the portal, one module per language (settings.FORMAT_MODULE_PATH).

Staff in Shymkent read dates as dd.mm.yyyy and times on the 24-hour clock in every language;
Django's own locale formats give "Қар. 30, 2026, 2:46 Т.Ж." in Kazakh and "N j, Y, P" in
English. Anything not set here (number separators, …) still comes from Django's locale.
"""
