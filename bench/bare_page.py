"""Baseline for bench_pages: a bare Streamlit page with one Plotly chart and a 26-row table."""

import pandas as pd
import plotly.express as px
import streamlit as st

frame = pd.DataFrame({"row": range(26), "value": [n * n % 17 for n in range(26)]})
st.title("baseline")
st.plotly_chart(px.bar(frame, x="row", y="value"))
st.dataframe(frame)
