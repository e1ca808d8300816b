"""The Streamlit app (issue 7): one page per user, reading the warehouse's marts only, through `data.py`."""
