"""Normalised keys of a customer, as the duplicate check (查重) compares them.

Pure Python (no database, no environment): phone numbers in E.164, e-mail
addresses in lower case, the unified social credit code (统一社会信用代码,
GB 32100-2015) cleaned and checked, and the name keys (without spaces,
punctuation and legal suffixes, and the same in pinyin). ``res.partner``
stores these keys and the import wizard checks its rows with them.
"""

import re
import unicodedata

import phonenumbers
from pypinyin import lazy_pinyin

from odoo.tools import email_normalize

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last
# one is a check character computed from the first 17 with these weights.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# Legal forms and generic business words stripped from the end of a name
# before names are compared, so that 北京华为技术有限公司, 北京 华为技术 and
# 北京华为 give the same key. Removed repeatedly, longest first; a name is
# never reduced to nothing. Chinese names have no word boundaries, so these
# are suffixes of the text; latin ones are whole trailing words.
NAME_SUFFIXES_CJK = sorted(
    {
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团有限公司",
        "集团股份有限公司",
        "总公司",
        "分公司",
        "公司",
        "集团",
        "控股",
        "股份",
        "有限",
        "合伙企业",
        "个体工商户",
        "工作室",
        "经营部",
        "商行",
        "门市部",
        "厂",
        "信息技术",
        "网络科技",
        "科技发展",
        "科技",
        "技术",
        "实业",
        "贸易",
        "商贸",
        "工贸",
        "发展",
        "投资",
        "咨询",
        "服务",
        "管理",
    },
    key=len,
    reverse=True,
)
NAME_SUFFIXES_LATIN = {
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "incorporated",
    "limited",
    "ltd",
    "llc",
    "plc",
    "gmbh",
    "group",
    "holding",
    "holdings",
    "technology",
    "technologies",
    "tech",
    "trading",
}
_BRACKETS_RE = re.compile(r"[(\[（【〔][^)\]）】〕]*[)\]）】〕]")
_WORD_RE = re.compile(r"\w+")
_EXTENSION_RE = re.compile(r"(?:转|分机|ext\.?|x|#).*$", re.IGNORECASE)
_DASH_EXTENSION_RE = re.compile(r"[-－]\s*\d{1,5}\s*$")
_NON_DIGIT_RE = re.compile(r"\D")
_NON_ALNUM_RE = re.compile(r"[^0-9a-z]")


def crm_name_key(name):
    """Comparison key of a customer name: NFKC, lower case, without bracketed
    parts (usually a region or branch: （中国）, (Shenzhen)), spaces, punctuation
    and trailing legal suffixes. '' when nothing is left."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _BRACKETS_RE.sub(" ", text)
    words = _WORD_RE.findall(text.replace("_", " "))
    while len(words) > 1 and words[-1] in NAME_SUFFIXES_LATIN:
        words.pop()
    key = "".join(words)
    stripped = True
    while stripped:
        stripped = False
        for suffix in NAME_SUFFIXES_CJK:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                stripped = True
                break
    return key


def crm_name_pinyin(key):
    """Pinyin of a name key (no tones, no spaces, lower case); latin stays as is."""
    if not key:
        return ""
    return _NON_ALNUM_RE.sub("", "".join(lazy_pinyin(key)).lower())


def crm_credit_code_check_char(code17):
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight for char, weight in zip(code17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def crm_clean_credit_code(code):
    """NFKC, upper case, no whitespace; '' when empty."""
    if not code:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(code)).upper().split())


def crm_credit_code_is_valid(code):
    return crm_credit_code_problem(code) is None


def crm_normalize_phone(number, region="CN"):
    """E.164 form of ``number`` ('+8613800138000'), or False when it is
    empty, cannot be parsed or is not a valid number. Never raises.

    Full-width digits, spaces, dashes, brackets, an extension (转 123,
    ext. 123, 0571-88886666-123), a leading 00 or a country code typed
    without '+' (86-139...) are understood. ``region`` is the ISO code of the
    country a number without country code belongs to.
    """
    if not number:
        return False
    text = _EXTENSION_RE.sub("", unicodedata.normalize("NFKC", str(number)).strip())
    normalized = _phone_e164(text, region)
    if not normalized and _DASH_EXTENSION_RE.search(text):
        # an extension after a dash: 0571-88886666-123
        normalized = _phone_e164(_DASH_EXTENSION_RE.sub("", text), region)
    return normalized


def _phone_e164(text, region):
    digits = _NON_DIGIT_RE.sub("", text)
    if not digits:
        return False
    international = text.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    attempts = [f"+{digits}"] if international else [digits]
    if not international:
        # a country code typed without '+': 86-13911112222, 8613911112222
        calling_code = str(phonenumbers.country_code_for_region(region))
        if calling_code != "0" and digits.startswith(calling_code):
            attempts.append(f"+{digits}")
    for attempt in attempts:
        try:
            parsed = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return False


def crm_normalize_email(email):
    """Lower-case address of ``email`` (the first one if several), or False."""
    if not email:
        return False
    normalized = email_normalize(unicodedata.normalize("NFKC", email), strict=False)
    return normalized.lower() if normalized else False


def crm_credit_code_problem(code):
    """What is wrong with the cleaned credit code ``code``: 'format' (not 18
    characters of the alphabet, digits in positions 3 to 8), 'check' (wrong
    check character) or None when it is valid."""
    if not CREDIT_CODE_RE.match(code):
        return "format"
    if crm_credit_code_check_char(code[:17]) != code[17]:
        return "check"
    return None
