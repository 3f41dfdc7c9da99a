"""The only Streamlit helpers: widgets that return values, state keys, URL sync."""
