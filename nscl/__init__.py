"""nscl: the spreadsheet-native paperwork system of Program 1322.

Core library shared by the Excel templates, the add-in (``xl``) and the nightly
consolidation (``sync``): form descriptions, the agency registry, Vietnamese text
handling and the validation engine.
"""

__version__ = "0.1.0"
