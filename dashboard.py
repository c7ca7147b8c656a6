"""Entry point: `streamlit run dashboard.py`. Builds the navigation over the files in pages/.

Every page but home has an explicit ``url_path`` equal to its file name: Streamlit needs that
for a bookmarked page to open on a fresh server (see ita_ui/navigation.py). The administration
section is listed only for admins (each of its pages also refuses anyone else). A page that
fails shows a Thai message with a reference, and the traceback goes to the server log.
"""

import streamlit as st

from ita_core.permissions import Action
from ita_ui.errors import run_safely
from ita_ui.login import current_actor, keep_login_cookie
from ita_ui.navigation import close_menu_after_tap

st.set_page_config(page_title="ITA สภ.", page_icon="🚦", layout="wide")

sections = {
    "ภาพรวม": [
        st.Page("pages/home.py", title="หน้าหลัก", icon="🏠", default=True),
        st.Page("pages/overview.py", title="ภาพรวมตัวชี้วัด", icon="🚦", url_path="overview"),
        st.Page("pages/meeting.py", title="มุมมองการประชุม", icon="📽️", url_path="meeting"),
        st.Page("pages/workload.py", title="ภาระงานรายบุคคล", icon="👮", url_path="workload"),
        st.Page("pages/timeline.py", title="ปฏิทินและกำหนดการ", icon="📅", url_path="timeline"),
        st.Page("pages/province.py", title="ภาพรวมจังหวัด/ภาค", icon="🗺️", url_path="province"),
    ],
    "งานประจำ": [
        st.Page("pages/my_items.py", title="งานของฉัน", icon="✍️", url_path="my_items"),
        st.Page("pages/oit_matrix.py", title="ตารางเผยแพร่ OIT", icon="🗓️", url_path="oit_matrix"),
        st.Page("pages/quotas.py", title="โควตาผู้ตอบ EIT/IIT", icon="📋", url_path="quotas"),
        st.Page("pages/score.py", title="คาดการณ์คะแนน ITA", icon="🎯", url_path="score"),
    ],
}
if any(current_actor().may(action) for action in (Action.EDIT_PLAN, Action.VIEW_AUDIT)):
    sections["ผู้ดูแลระบบ"] = [
        st.Page("pages/admin.py", title="จัดการแผนและผู้ใช้", icon="🛠️", url_path="admin"),
        st.Page("pages/import_plan.py", title="นำเข้าแผนจาก Excel", icon="📥", url_path="import_plan"),
        st.Page("pages/audit.py", title="ประวัติการแก้ไข", icon="📜", url_path="audit"),
        st.Page("pages/framework.py", title="เกณฑ์การประเมินรายปี", icon="📐", url_path="framework"),
    ]
page = st.navigation(sections, expanded=True)
close_menu_after_tap()
keep_login_cookie()
run_safely(page.run, page.url_path or "home")
