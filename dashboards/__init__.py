"""The Streamlit app: one page per user (leadership, finance, billing, analyst), reading the warehouse's marts only."""
