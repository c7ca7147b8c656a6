"""Entry point: `streamlit run dashboard.py`. Builds the navigation over the files in pages/."""

import streamlit as st

st.set_page_config(page_title="ITA สภ.", page_icon="🚦", layout="wide")

navigation = st.navigation([
    st.Page("pages/home.py", title="หน้าหลัก", icon="🏠", default=True),
])
navigation.run()
