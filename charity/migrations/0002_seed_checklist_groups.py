"""The document checklist per category (four languages), the new Charity officer group, and what
each staff group may do with charity requests (least privilege)."""

from django.db import migrations

from pkop_portal.permissions import grant_group_permissions, revoke_group_permissions

# slug: (kk, ru, en, zh-hans)
DOCUMENT_TYPES = {
    "id_card": (
        "Өтініш берушінің жеке куәлігі",
        "Удостоверение личности заявителя",
        "Applicant's identity card",
        "申请人身份证件",
    ),
    "household_composition": (
        "Отбасы құрамы туралы анықтама",
        "Справка о составе семьи",
        "Certificate of household composition",
        "家庭成员证明",
    ),
    "income": (
        "Соңғы 6 айдағы табыс туралы анықтамалар",
        "Справки о доходах за последние 6 месяцев",
        "Income certificates for the last 6 months",
        "近6个月收入证明",
    ),
    "large_family_status": (
        "Көпбалалы отбасы мәртебесі туралы куәлік",
        "Удостоверение многодетной семьи",
        "Certificate of large-family status",
        "多子女家庭证明",
    ),
    "targeted_assistance": (
        "Атаулы әлеуметтік көмек алу құқығы туралы анықтама",
        "Справка о праве на адресную социальную помощь",
        "Certificate of entitlement to targeted social assistance",
        "享受定向社会救助资格证明",
    ),
    "disability": (
        "Мүгедектік туралы анықтама",
        "Справка об инвалидности",
        "Certificate of disability",
        "残疾证明",
    ),
    "guardianship": (
        "Қорғаншылық туралы шешім немесе ата-анасының қайтыс болуы туралы куәлік",
        "Решение об опеке или свидетельство о смерти родителей",
        "Guardianship decision or parents' death certificates",
        "监护决定或父母死亡证明",
    ),
    "pension": (
        "Зейнетақы туралы анықтама",
        "Справка о назначении пенсии",
        "Pension certificate",
        "养老金证明",
    ),
    "housing_loss": (
        "Тұрғын үйдің жоғалуы туралы акт (өрт, төтенше жағдай)",
        "Акт об утрате жилья (пожар, чрезвычайная ситуация)",
        "Act on the loss of housing (fire, emergency)",
        "住房损失证明（火灾、紧急情况）",
    ),
    "medical": (
        "Медициналық қорытынды және емдеу құнының есебі",
        "Медицинское заключение и смета лечения",
        "Medical report and cost estimate of treatment",
        "医疗诊断书及治疗费用估算",
    ),
    "bank_details": (
        "Банк шотының деректемелері",
        "Банковские реквизиты счёта",
        "Bank account details",
        "银行账户信息",
    ),
}

COMMON = [("id_card", True), ("household_composition", True), ("bank_details", False)]
# category: [(document, required)]
CHECKLIST = {
    "large_family": [("large_family_status", True), ("income", True)],
    "low_income": [("targeted_assistance", True), ("income", True)],
    "disability": [("disability", True), ("income", False)],
    "orphans": [("guardianship", True), ("income", False)],
    "pensioners": [("pension", True)],
    "lost_housing": [("housing_loss", True), ("income", False)],
    "serious_illness": [("medical", True), ("income", False)],
    "other": [("income", False)],
}

GRANTS = {
    "Charity officer": [
        "view_charityrequest",
        "change_charityrequest",
        "assess_charityrequest",
        "disburse_charityrequest",
        "view_householdmember",
        "view_requestdocument",
        "add_requestdocument",
        "view_requestmessage",
        "add_requestmessage",
        "view_requestevent",
        "view_documenttype",
        "add_documenttype",
        "change_documenttype",
        "view_checklistitem",
        "add_checklistitem",
        "change_checklistitem",
        "delete_checklistitem",
        "view_programme",
        "view_budgetline",
        "view_committeemeeting",
        "view_committeedecision",
        "view_aiditem",
        "view_disbursement",
        "add_disbursement",
    ],
    "Charity committee": [
        "view_charityrequest",
        "decide_charityrequest",
        "export_charityrequest",
        "view_householdmember",
        "view_requestdocument",
        "view_requestmessage",
        "view_requestevent",
        "view_documenttype",
        "view_checklistitem",
        "view_programme",
        "add_programme",
        "change_programme",
        "view_budgetline",
        "add_budgetline",
        "change_budgetline",
        "view_committeemeeting",
        "add_committeemeeting",
        "change_committeemeeting",
        "view_conflictdeclaration",
        "add_conflictdeclaration",
        "view_committeedecision",
        "add_committeedecision",
        "change_committeedecision",
        "view_aiditem",
        "add_aiditem",
        "change_aiditem",
        "view_disbursement",
        "view_exportlog",
        "view_socialproject",
        "add_socialproject",
        "change_socialproject",
        "delete_socialproject",
        "view_socialprojectphoto",
        "add_socialprojectphoto",
        "change_socialprojectphoto",
        "delete_socialprojectphoto",
    ],
    "Head": [
        "view_charityrequest",
        "extend_charityrequest",
        "view_requestevent",
        "view_programme",
        "view_budgetline",
    ],
}


def seed(apps, schema_editor):
    DocumentType = apps.get_model("charity", "DocumentType")
    ChecklistItem = apps.get_model("charity", "ChecklistItem")
    types = {}
    for position, (slug, (kk, ru, en, zh)) in enumerate(DOCUMENT_TYPES.items()):
        types[slug], _ = DocumentType.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "name_zh_hans": zh,
                "position": position,
            },
        )
    for category, specific in CHECKLIST.items():
        for position, (slug, required) in enumerate(specific + COMMON):
            ChecklistItem.objects.get_or_create(
                category=category,
                document_type=types[slug],
                defaults={"is_required": required, "position": position},
            )
    grant_group_permissions(apps, "charity", GRANTS)


def unseed(apps, schema_editor):
    revoke_group_permissions(apps, "charity", GRANTS)
    apps.get_model("charity", "ChecklistItem").objects.all().delete()
    apps.get_model("charity", "DocumentType").objects.filter(slug__in=DOCUMENT_TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("charity", "0001_initial"),
        ("pkop_portal", "0002_seed_lines_groups_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
