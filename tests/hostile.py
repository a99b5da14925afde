"""A small dataset whose organisation names and attributes are hostile (HTML, script,
spreadsheet formulas), for the XSS and formula-injection tests."""
import pandas as pd

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    '=HYPERLINK("http://evil.example/","click")',
    "+SUM(1,1)",
    "-2+3",
    "@cmd",
    "\tTAB",
    '"><svg onload=alert(3)>',
    "(주)유아이디",
    "충북대학교 산학협력단",
]


def hostile_frames():
    n = len(HOSTILE_NAMES)
    part = pd.DataFrame({
        "project_id": ["P1"] * 4 + ["P2"] * 4 + ["P3"] * 3 + ["P4"] * 3,
        "org_id": ["o0", "o1", "o2", "o8", "o3", "o4", "o5", "o9", "o6", "o7", "o8", "o0", "o9", "o7"],
    })
    orgs = pd.DataFrame({
        "org_id": [f"o{i}" for i in range(n)],
        "name": HOSTILE_NAMES,
        "org_type": ["firm"] * 8 + ["firm", "university"],
        "region": ["충북", "대전", "<b>bold</b>", "=1+1", "충북", "부산", "부산", "충북", "충북", "충북"],
        "complex": ["<script>alert(4)</script>"] * n,
    })
    projects = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4"], "year": [2010, 2011, 2012, 2012],
                             "programme": ["=cmd|' /C calc'!A0", "B", "<i>C</i>", "B"]})
    return part, orgs, projects
