"""Deterministic synthetic FAQs and noisy queries for the speed benchmark.

    from bench.synth import write_synthetic_faq, make_queries
    entries = write_synthetic_faq(directory, 1000, seed=0)
    queries = make_queries(entries, 300, seed=0)

An entry is one (subject, intent, qualifier) combination, e.g. "the ChatGPT API key" x
"cost" x "for students"; its 4-6 phrasings come from the intent's templates, so entries
are distinct but share the words a real FAQ shares ("what", "how", "GPT", "model",
"是什么", "怎么"). About 60% of the entries are English and 40% Chinese (zh phrasings are
real Chinese words, with Latin product names where a real FAQ would have them). Entries
are written 200 to a file, in the YAML format bot/engine/loading.py reads, plus a synonyms.yaml.

Queries are noisy variants of phrasings (one typo, one dropped word or one swapped word)
and out-of-scope questions, each with the entry id it should find (None when out of scope).
The same (n, seed) always gives the same entries, the same files and the same queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

ENTRIES_PER_FILE = 200
ZH_SHARE = 0.4

# --- English vocabulary ---------------------------------------------------------------

EN_PRODUCTS = (
    "GPT-4", "GPT-3.5", "ChatGPT", "ChatGPT Plus", "Azure OpenAI", "Claude", "Llama 2", "Llama 3",
    "Mistral", "Mixtral", "Gemini", "Copilot", "Whisper", "DALL-E", "Stable Diffusion", "BERT", "T5",
    "Falcon", "Qwen", "ERNIE Bot", "Codex", "OpenAI", "LangChain", "LlamaIndex", "Hugging Face",
    "Ollama", "vLLM", "Phi-3", "Gemma", "Vicuna", "Bard", "Midjourney", "Perplexity", "Cohere",
    "Baichuan", "ChatGLM", "DeepSeek", "Kimi", "Grok", "Jurassic",
)
EN_NOUNS = (
    "model", "API", "chatbot", "plugin", "embedding model", "vector database", "prompt template",
    "system prompt", "context window", "fine-tuning job", "agent", "knowledge base", "dataset",
    "tokenizer", "rate limit", "API key", "web app", "mobile app", "subscription", "enterprise plan",
    "free tier", "usage quota", "content filter", "training data", "inference server", "GPU cluster",
    "benchmark score", "code assistant", "image generator", "speech recognizer",
)
EN_QUALIFIERS = (
    "", "for students", "in Europe", "on mobile", "for enterprise teams", "in production", "with Python",
    "for small businesses", "in Azure", "on Windows", "for customer support", "in a classroom",
    "for developers", "behind a firewall", "with long documents", "for healthcare",
)
# intent -> (phrasing templates, what the answer is about); {s} subject, {q} qualifier, {a} other subject
EN_INTENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "what": (("What is the {s} {q}?", "What does the {s} do {q}?", "Can you explain the {s} {q}?",
              "{s} {q}: what is it?", "what is {s} exactly {q}", "Give me an overview of the {s} {q}",
              "What is the {s} used for {q}?", "I am new here, what is the {s} {q}?"), "what it is"),
    "use": (("How do I use the {s} {q}?", "How can we get started with the {s} {q}?", "how to use {s} {q}",
             "What are the steps to set up the {s} {q}?", "What is the best way to use the {s} {q}?",
             "Is there a guide for using the {s} {q}?", "{s} getting started {q}"), "how to use it"),
    "cost": (("How much does the {s} cost {q}?", "What is the price of the {s} {q}?", "{s} pricing {q}",
              "Is the {s} expensive {q}?", "How is the {s} billed {q}?", "Do we have to pay for the {s} {q}?",
              "What does the {s} cost per month {q}?"), "what it costs"),
    "free": (("Is the {s} free {q}?", "Can I use the {s} for free {q}?", "Is there a free version of the {s} {q}?",
              "{s} free {q}?", "Do I need to pay to try the {s} {q}?", "How long is the {s} free trial {q}?"),
             "whether it is free"),
    "limits": (("What are the limits of the {s} {q}?", "How many requests can the {s} handle {q}?",
                "Is there a size limit on the {s} {q}?", "{s} limits {q}", "What is the maximum input for the {s} {q}?",
                "Why did the {s} stop at a limit {q}?"), "its limits"),
    "privacy": (("Does the {s} keep my data {q}?", "Is my data private when I use the {s} {q}?",
                 "Who can see what I send to the {s} {q}?", "{s} data privacy {q}",
                 "Is the {s} used to train on our data {q}?", "Where does the {s} store conversations {q}?"),
                "data privacy"),
    "compare": (("What is the difference between the {s} and {a} {q}?", "How does the {s} compare with {a} {q}?",
                 "{s} vs {a} {q}", "Should I choose the {s} or {a} {q}?", "Is the {s} better than {a} {q}?",
                 "Which is faster, the {s} or {a} {q}?"), "how it compares"),
    "accuracy": (("How accurate is the {s} {q}?", "Can I trust answers from the {s} {q}?",
                  "Why does the {s} make things up {q}?", "{s} accuracy {q}", "Does the {s} give wrong answers {q}?",
                  "How reliable is the {s} {q}?"), "accuracy"),
    "language": (("Does the {s} support Chinese {q}?", "Which languages does the {s} understand {q}?",
                  "Can the {s} answer in Japanese {q}?", "{s} language support {q}",
                  "Is the {s} good at translation {q}?", "Can I talk to the {s} in Spanish {q}?"), "languages"),
    "install": (("How do I install the {s} {q}?", "What do I need to deploy the {s} {q}?",
                 "Can I host the {s} myself {q}?", "{s} installation {q}", "How do I run the {s} locally {q}?",
                 "What hardware does the {s} need {q}?"), "installation"),
    "account": (("How do I sign up for the {s} {q}?", "How can I create an account for the {s} {q}?",
                 "Who gives me access to the {s} {q}?", "{s} sign up {q}", "Why can't I log in to the {s} {q}?",
                 "Can I share one {s} account with my team {q}?"), "accounts and access"),
    "error": (("Why does the {s} return an error {q}?", "The {s} keeps failing {q}, what should I do?",
               "How do I fix a timeout from the {s} {q}?", "{s} error {q}", "What does error 429 from the {s} mean {q}?",
               "Why is the {s} not responding {q}?"), "errors"),
    "speed": (("Why is the {s} so slow {q}?", "How can I make the {s} faster {q}?", "{s} latency {q}",
               "How long does the {s} take to answer {q}?", "Is the {s} fast enough for real time use {q}?",
               "What slows down the {s} {q}?"), "speed"),
    "security": (("Is the {s} secure {q}?", "Does the {s} meet our security rules {q}?", "{s} security {q}",
                  "Can the {s} leak secrets {q}?", "How do I keep the {s} safe from prompt injection {q}?",
                  "Who audits the {s} {q}?"), "security"),
    "update": (("When will the {s} be updated {q}?", "How often does the {s} change {q}?", "{s} release notes {q}",
                "Is there a new version of the {s} {q}?", "What changed in the latest {s} {q}?",
                "Will the {s} be retired {q}?"), "updates"),
    "offline": (("Can the {s} run offline {q}?", "Does the {s} need an internet connection {q}?",
                 "{s} offline mode {q}", "Can I use the {s} on a plane {q}?", "Does the {s} work without a network {q}?"),
                "offline use"),
    "commercial": (("Can I use the {s} commercially {q}?", "Is the {s} allowed in a paid product {q}?",
                    "{s} license {q}", "Who owns the output of the {s} {q}?", "Can we sell apps built on the {s} {q}?",
                    "What does the {s} license allow {q}?"), "commercial use"),
    "train": (("How was the {s} trained {q}?", "What data was the {s} trained on {q}?", "{s} training {q}",
               "Can I train the {s} on my own documents {q}?", "How long did it take to train the {s} {q}?",
               "Who trained the {s} {q}?"), "training"),
    "integrate": (("How do I integrate the {s} with our systems {q}?", "Can the {s} connect to Slack {q}?",
                   "{s} integration {q}", "How do I call the {s} from my code {q}?",
                   "Does the {s} have an SDK {q}?", "Can the {s} read our SharePoint files {q}?"), "integration"),
    "delete": (("How do I delete my {s} data {q}?", "Can I remove my history from the {s} {q}?",
                "{s} delete data {q}", "How long does the {s} keep logs {q}?",
                "How do I export everything from the {s} {q}?"), "deleting data"),
    "region": (("Is the {s} available in China {q}?", "Which regions offer the {s} {q}?", "{s} availability {q}",
                "Why is the {s} blocked in my country {q}?", "Can I use the {s} from Hong Kong {q}?"), "availability"),
    "support": (("Who do I contact about the {s} {q}?", "Where can I get help with the {s} {q}?", "{s} support {q}",
                 "Is there a support hotline for the {s} {q}?", "How do I report a bug in the {s} {q}?"), "support"),
    "version": (("Which version of the {s} should I pick {q}?", "What are the versions of the {s} {q}?",
                 "{s} versions {q}", "Is the newest {s} always the best {q}?", "How do I switch {s} versions {q}?"),
                "versions"),
    "cancel": (("How do I cancel the {s} {q}?", "Can I get a refund for the {s} {q}?", "{s} cancel {q}",
                "What happens to my files if I stop the {s} {q}?", "How do I downgrade the {s} {q}?"), "cancelling"),
}

# --- Chinese vocabulary ---------------------------------------------------------------

ZH_PRODUCTS = (
    "GPT-4", "ChatGPT", "文心一言", "通义千问", "智谱清言", "讯飞星火", "豆包", "Kimi", "Claude", "Llama 2",
    "Azure OpenAI", "百川", "混元", "盘古", "商量", "天工", "DeepSeek", "Qwen", "ChatGLM", "Gemini", "Copilot",
    "Midjourney", "Stable Diffusion", "Whisper", "BERT", "Mistral", "MiniMax", "月之暗面", "腾讯元宝", "紫东太初",
)
ZH_NOUNS = (
    "模型", "接口", "插件", "聊天机器人", "向量数据库", "提示词", "系统提示词", "上下文窗口", "微调任务", "智能体",
    "知识库", "数据集", "分词器", "调用频率限制", "密钥", "网页版", "手机应用", "会员订阅", "企业版", "免费额度",
    "内容审核", "训练数据", "推理服务", "显卡集群", "评测分数", "编程助手", "绘图功能", "语音识别", "翻译功能", "客服系统",
)
ZH_QUALIFIERS = (
    "", "在公司里", "对学生来说", "在手机上", "企业用户", "在生产环境中", "用 Python", "小团队", "在国内",
    "在 Windows 上", "做客服时", "在课堂上", "开发者", "在内网", "处理长文档时", "医疗行业",
)
ZH_INTENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "what": (("{q}{s}是什么？", "什么是{s}？{q}", "{q}{s}到底是什么东西？", "请问{s}是干什么用的？{q}", "{q}能介绍一下{s}吗？",
              "{s}有什么作用？{q}", "{q}{s}是做什么的"), "基本介绍"),
    "use": (("{q}{s}怎么用？", "如何使用{s}？{q}", "{q}怎么开始使用{s}？", "{s}的使用方法{q}", "请问{s}应该怎么上手？{q}",
             "{q}{s}使用教程"), "使用方法"),
    "cost": (("{q}{s}怎么收费？", "{s}多少钱？{q}", "{q}使用{s}要花多少钱？", "{s}的价格是多少？{q}", "{q}{s}贵不贵？",
              "{s}是按什么计费的？{q}"), "收费方式"),
    "free": (("{q}{s}免费吗？", "{s}可以免费用吗？{q}", "{q}{s}有没有免费版？", "{s}免费试用多久？{q}", "{q}用{s}需要付费吗？"),
             "免费政策"),
    "limits": (("{q}{s}有什么限制？", "{s}一次最多能处理多少内容？{q}", "{q}{s}的上限是多少？", "{s}为什么突然用不了了？{q}",
                "{q}{s}每天能调用几次？"), "使用限制"),
    "privacy": (("{q}{s}会保存我的数据吗？", "用{s}数据安全吗？{q}", "{q}{s}会拿我们的数据去训练吗？", "{s}的聊天记录存在哪里？{q}",
                 "{q}谁能看到我发给{s}的内容？"), "数据隐私"),
    "compare": (("{q}{s}和{a}有什么区别？", "{s}跟{a}哪个好？{q}", "{q}{s}与{a}的差别", "该选{s}还是{a}？{q}",
                 "{q}{s}比{a}强在哪里？"), "对比"),
    "accuracy": (("{q}{s}的回答准确吗？", "{s}会不会胡说八道？{q}", "{q}{s}靠谱吗？", "为什么{s}经常答错？{q}",
                  "{q}{s}的答案能相信吗？"), "准确性"),
    "language": (("{q}{s}支持中文吗？", "{s}能用英文回答吗？{q}", "{q}{s}支持哪些语言？", "{s}的翻译水平怎么样？{q}",
                  "{q}{s}能听懂方言吗？"), "语言支持"),
    "install": (("{q}{s}怎么安装？", "如何部署{s}？{q}", "{q}{s}可以自己搭建吗？", "本地运行{s}需要什么配置？{q}",
                 "{q}{s}的安装步骤"), "安装部署"),
    "account": (("{q}{s}怎么注册账号？", "如何申请{s}的使用权限？{q}", "{q}{s}登录不上怎么办？", "{s}账号能多人共用吗？{q}",
                 "{q}去哪里开通{s}？"), "账号注册"),
    "error": (("{q}{s}为什么报错？", "{s}总是失败怎么办？{q}", "{q}{s}超时了怎么处理？", "{s}返回错误代码是什么意思？{q}",
               "{q}{s}没有反应了"), "错误处理"),
    "speed": (("{q}{s}为什么这么慢？", "怎么让{s}更快一点？{q}", "{q}{s}回答要等多久？", "{s}的速度能满足实时使用吗？{q}",
               "{q}{s}响应太慢"), "速度"),
    "security": (("{q}{s}安全吗？", "{s}符合公司的安全要求吗？{q}", "{q}{s}会泄露机密吗？", "怎么防止{s}被恶意利用？{q}",
                  "{q}{s}的安全认证"), "安全"),
    "update": (("{q}{s}什么时候更新？", "{s}多久升级一次？{q}", "{q}{s}有新版本吗？", "{s}最近有哪些变化？{q}",
                "{q}{s}会停止服务吗？"), "更新"),
    "offline": (("{q}{s}能离线使用吗？", "{s}必须联网吗？{q}", "{q}没有网络能用{s}吗？", "{s}可以在飞机上用吗？{q}"), "离线使用"),
    "commercial": (("{q}{s}可以商用吗？", "{s}生成的内容版权归谁？{q}", "{q}用{s}做的产品能卖吗？", "{s}的许可证允许什么？{q}",
                    "{q}{s}商业授权"), "商业使用"),
    "train": (("{q}{s}是怎么训练出来的？", "{s}用了哪些训练数据？{q}", "{q}能用自己的文档训练{s}吗？", "训练{s}花了多长时间？{q}",
               "{q}{s}是谁训练的？"), "训练"),
    "integrate": (("{q}{s}怎么接入公司系统？", "{s}能连到企业微信吗？{q}", "{q}怎么在代码里调用{s}？", "{s}有没有开发工具包？{q}",
                   "{q}{s}的对接方式"), "系统集成"),
    "delete": (("{q}怎么删除{s}里的数据？", "{s}的历史记录能清除吗？{q}", "{q}{s}的日志保存多久？", "怎么导出{s}的全部数据？{q}"),
               "删除数据"),
    "region": (("{q}{s}在国内能用吗？", "{s}在哪些地区可以使用？{q}", "{q}为什么我所在的地区用不了{s}？", "在香港能用{s}吗？{q}"),
               "地区限制"),
    "support": (("{q}{s}出了问题找谁？", "{s}有客服电话吗？{q}", "{q}怎么反馈{s}的问题？", "{s}的技术支持在哪里？{q}"), "技术支持"),
    "version": (("{q}{s}应该选哪个版本？", "{s}有哪些版本？{q}", "{q}最新版的{s}一定最好吗？", "怎么切换{s}的版本？{q}"), "版本选择"),
    "cancel": (("{q}{s}怎么取消订阅？", "{s}可以退款吗？{q}", "{q}不用{s}以后文件会怎样？", "怎么降级{s}的套餐？{q}"), "取消订阅"),
}

SYNONYMS = (
    ["llm", "large language model", "大模型", "大语言模型"],
    ["finetune", "fine-tune", "fine-tuning", "fine tuning", "微调"],
    ["cost", "price", "pricing", "billed", "billing", "收费", "价格", "计费", "多少钱"],
    ["free", "免费", "免费版"],
    ["azure openai", "aoai", "azure open ai"],
    ["chatgpt", "chat gpt", "chat-gpt"],
    ["区别", "difference", "vs", "versus", "差别", "不同"],
)

# --- Noise ------------------------------------------------------------------------------

EN_SWAPS = {
    "How": "What", "What": "How", "use": "run", "model": "system", "cost": "price", "free": "gratis",
    "install": "setup", "data": "info", "fix": "solve", "delete": "erase", "fast": "quick", "slow": "sluggish",
    "help": "assistance", "account": "login", "version": "release", "limits": "caps", "accurate": "correct",
    "trained": "built", "secure": "safe", "Chinese": "Mandarin", "support": "supports", "app": "application",
    "the": "this", "my": "our", "I": "we", "can": "could", "do": "should",
}
EN_FILLER = ("thing", "tool", "service", "setup", "option", "stuff", "product", "system", "platform", "feature")
ZH_SWAPS = {
    "怎么": "如何", "如何": "怎样", "什么": "啥", "使用": "用", "收费": "计费", "模型": "系统", "可以": "能",
    "吗": "么", "价格": "费用", "安装": "部署", "注册": "开通", "数据": "资料", "为什么": "为啥", "哪些": "哪几种",
    "多少钱": "啥价格", "安全": "保险", "版本": "型号", "问题": "毛病", "公司": "单位", "免费": "不要钱",
}
ZH_TYPOS = {
    "用": "永", "费": "废", "型": "形", "模": "摸", "据": "距", "数": "树", "安": "按", "装": "状", "册": "策",
    "问": "闻", "题": "提", "么": "门", "收": "受", "价": "架", "格": "隔", "限": "线", "制": "治", "训": "讯",
    "练": "炼", "试": "式", "版": "板", "本": "笨", "能": "嫩", "支": "知", "持": "迟", "语": "雨", "言": "严",
}
ZH_COMMON = "的一是不了人在有这中大来上个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没"
ZH_WORDS = tuple(sorted(
    set(ZH_NOUNS) | set(ZH_SWAPS) | {q for q in ZH_QUALIFIERS if q} | {
        "请问", "到底", "一下", "应该", "需要", "一次", "最多", "突然", "经常", "自己", "公司", "我们", "全部"},
    key=len, reverse=True))

OOV_EN = (
    "How do I {v} my {t}?", "What time does the {p} open on {d}?", "Where can I buy a cheap {t}?",
    "How much does a new {t} cost?", "Can you recommend a good {p} near the office?", "Is it safe to {v} a {t} myself?",
    "What is the weather like in {c} on {d}?", "How long does it take to fly to {c}?",
)
OOV_ZH = (
    "{c}明天天气怎么样？", "{zt}坏了怎么修？", "附近有什么好吃的{f}？", "{c}到{c2}坐高铁要多久？", "{zt}多少钱一个？",
    "周末去{c}玩有什么推荐？", "{f}怎么做才好吃？", "{zt}可以退货吗？",
)
OOV_VERBS = ("fix", "clean", "replace", "paint", "return", "insure", "sell", "repair")
OOV_THINGS = ("bicycle chain", "kitchen sink", "car battery", "garden fence", "winter coat", "passport photo",
              "apartment lease", "washing machine", "coffee grinder", "dog leash")
OOV_PLACES = ("post office", "dentist", "gym", "bakery", "library", "pharmacy", "barber shop")
OOV_DAYS = ("Sunday", "Monday", "public holidays", "Christmas Eve")
OOV_CITIES = ("Paris", "Chicago", "Melbourne", "Nairobi", "Oslo")
ZH_CITIES = ("北京", "上海", "广州", "成都", "杭州", "西安", "武汉")
ZH_THINGS = ("洗衣机", "自行车", "电饭煲", "空调", "冰箱", "热水器", "雨伞", "行李箱")
ZH_FOODS = ("火锅", "饺子", "面条", "烤鸭", "包子", "红烧肉")


@dataclass(frozen=True)
class SynthEntry:
    id: str
    lang: str
    questions: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    related: tuple[str, ...] = ()

    def to_yaml(self) -> dict:
        out: dict = {
            "id": self.id,
            "questions": {self.lang: list(self.questions)},
            "answer": {self.lang: self.answer},
            "tags": list(self.tags),
        }
        if self.related:
            out["related"] = list(self.related)
        return out


@dataclass(frozen=True)
class Query:
    q: str
    expect: str | None  # the entry the query was made from; None: out of scope
    kind: str  # typo | drop | swap | oov


def _tidy(text: str) -> str:
    text = " ".join(text.split())
    for mark in ("?", ",", ":", "？", "，"):
        text = text.replace(" " + mark, mark)
    return text


def _zh_join(*parts: str) -> str:
    """Join Chinese pieces, with a space only between two Latin characters."""
    out = ""
    for part in parts:
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def _decode(index: int, *sizes: int) -> list[int]:
    digits = []
    for size in reversed(sizes):
        index, digit = divmod(index, size)
        digits.append(digit)
    return digits[::-1]


def synthetic_entries(n_entries: int, seed: int = 0) -> list[SynthEntry]:
    """`n_entries` distinct entries, the same for the same (n_entries, seed)."""
    rng = random.Random(f"faqbot-synth-{seed}")
    n_zh = round(n_entries * ZH_SHARE)
    langs = ["zh"] * n_zh + ["en"] * (n_entries - n_zh)
    rng.shuffle(langs)
    combos = {}
    for lang in ("en", "zh"):
        products, nouns, quals, intents = _vocab(lang)
        space = len(products) * len(nouns) * len(intents) * len(quals)
        count = langs.count(lang)
        if count > space:
            raise ValueError(f"at most {space} distinct {lang} entries can be generated")
        combos[lang] = iter(rng.sample(range(space), count))
    entries = []
    for number, lang in enumerate(langs, start=1):
        products, nouns, quals, intents = _vocab(lang)
        p, n, i, q = _decode(next(combos[lang]), len(products), len(nouns), len(intents), len(quals))
        intent = list(intents)[i]
        templates, about = intents[intent]
        other = products[(p + 1 + rng.randrange(len(products) - 1)) % len(products)]
        k = min(len(templates), rng.randint(4, 6))
        chosen = rng.sample(templates, k)
        if lang == "en":
            subject, alt = f"{products[p]} {nouns[n]}", f"{other} {nouns[n]}"
            questions = [_tidy(t.format(s=subject, a=alt, q=quals[q])) for t in chosen]
            answer = (f"About {about} for the {subject}{' ' + quals[q] if quals[q] else ''}: "
                      f"{rng.choice(EN_ANSWERS)} {rng.choice(EN_ANSWERS)}")
        else:
            subject, alt = _zh_subject(products[p], nouns[n]), _zh_subject(other, nouns[n])
            qual = quals[q] + "，" if quals[q] else ""
            questions = [_tidy(_zh_fill(t, subject, alt, qual)) for t in chosen]
            answer = f"关于{_zh_join(quals[q], subject)}的{about}：{rng.choice(ZH_ANSWERS)}{rng.choice(ZH_ANSWERS)}"
        entry_id = f"{lang}-{number:06d}-{intent}"
        related = (entries[-1].id,) if entries and rng.random() < 0.2 else ()
        entries.append(SynthEntry(entry_id, lang, tuple(dict.fromkeys(questions)), answer, (intent, lang), related))
    return entries


EN_ANSWERS = (
    "Check the official documentation for the latest details.", "Ask your administrator if you are unsure.",
    "The answer depends on the plan your organisation bought.", "This changes often, so confirm it before you rely on it.",
    "Most teams start with the default settings and adjust later.", "The internal wiki has a step-by-step guide.",
)
ZH_ANSWERS = (
    "具体以官方文档为准。", "如不确定，请联系管理员。", "答案取决于公司购买的套餐。", "这部分经常变化，使用前请再次确认。",
    "大多数团队先用默认设置，之后再调整。", "内部知识库里有详细的操作步骤。",
)


def _zh_subject(product: str, noun: str) -> str:
    return f"{product} {noun}" if product[-1].isascii() else product + noun


def _zh_fill(template: str, subject: str, alt: str, qual: str) -> str:
    # a trailing "{q}" would put the qualifier after the question mark: move it to the front
    if template.endswith("{q}"):
        template = "{q}" + template[:-3]
    pieces = template.replace("{s}", "\0s\0").replace("{a}", "\0a\0").replace("{q}", "\0q\0").split("\0")
    values = {"s": subject, "a": alt, "q": qual}
    return _zh_join(*(values.get(p, p) if p in values else p for p in pieces if p))


def _vocab(lang: str):
    if lang == "en":
        return EN_PRODUCTS, EN_NOUNS, EN_QUALIFIERS, EN_INTENTS
    return ZH_PRODUCTS, ZH_NOUNS, ZH_QUALIFIERS, ZH_INTENTS


def write_synthetic_faq(directory: Path | str, n_entries: int, seed: int = 0, *,
                        per_file: int = ENTRIES_PER_FILE, synonyms: bool = True) -> list[SynthEntry]:
    """Write `n_entries` entries into `directory` (created if missing), `per_file` to a file; return them."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    entries = synthetic_entries(n_entries, seed)
    for start in range(0, len(entries), per_file):
        chunk = [e.to_yaml() for e in entries[start : start + per_file]]
        text = yaml.dump(chunk, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
        header = f"# synthetic faqbot FAQ (seed {seed}), entries {start + 1}-{start + len(chunk)}\n"
        (directory / f"synthetic-{start // per_file + 1:04d}.yaml").write_text(header + text, encoding="utf-8")
    if synonyms:
        text = yaml.dump(list(SYNONYMS), Dumper=_Dumper, allow_unicode=True, default_flow_style=None, width=4096)
        (directory / "synonyms.yaml").write_text(text, encoding="utf-8")
    return entries


def make_queries(entries: list[SynthEntry], n_queries: int, seed: int = 0, *, oov_share: float = 0.15) -> list[Query]:
    """Noisy variants of the entries' phrasings, and out-of-scope questions, in a fixed order."""
    rng = random.Random(f"faqbot-queries-{seed}-{len(entries)}")
    queries = []
    for _ in range(n_queries):
        if rng.random() < oov_share:
            queries.append(Query(_oov(rng), None, "oov"))
            continue
        entry = rng.choice(entries)
        phrasing = rng.choice(entry.questions)
        kind = rng.choice(("typo", "drop", "swap"))
        noisy = (_noise_en if entry.lang == "en" else _noise_zh)(phrasing, kind, rng).strip(" ，,")
        queries.append(Query(noisy, entry.id, kind))
    return queries


def _noise_en(text: str, kind: str, rng: random.Random) -> str:
    words = text.split()
    if kind == "typo":
        candidates = [i for i, w in enumerate(words) if len(w.strip("?:,")) >= 4]
        if candidates:
            i = rng.choice(candidates)
            words[i] = _typo(words[i], rng)
            return " ".join(words)
        kind = "drop"
    if kind == "drop" and len(words) > 2:
        del words[rng.randrange(len(words))]
        return " ".join(words)
    i = rng.randrange(len(words))
    bare = words[i].strip("?:,")
    replacement = EN_SWAPS.get(bare) or rng.choice(EN_FILLER)
    words[i] = words[i].replace(bare, replacement) if bare else replacement
    return " ".join(words)


def _typo(word: str, rng: random.Random) -> str:
    core = word.rstrip("?:,")
    tail = word[len(core):]
    i = rng.randrange(len(core) - 1)
    op = rng.choice(("swap", "delete", "double", "replace"))
    if op == "swap":
        core = core[:i] + core[i + 1] + core[i] + core[i + 2 :]
    elif op == "delete":
        core = core[:i] + core[i + 1 :]
    elif op == "double":
        core = core[:i] + core[i] + core[i:]
    else:
        core = core[:i] + rng.choice("aeioursnt") + core[i + 1 :]
    return core + tail


def _noise_zh(text: str, kind: str, rng: random.Random) -> str:
    if kind == "typo":
        spots = [i for i, ch in enumerate(text) if ch in ZH_TYPOS]
        if spots:
            i = rng.choice(spots)
            return text[:i] + ZH_TYPOS[text[i]] + text[i + 1 :]
        han = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
        if han:
            i = rng.choice(han)
            return text[:i] + rng.choice(ZH_COMMON) + text[i + 1 :]
        return text
    table = ZH_SWAPS if kind == "swap" else None
    found = [w for w in (table or ZH_WORDS) if w in text]
    if found:
        word = rng.choice(found)
        start = text.index(word)
        return text[:start] + (table[word] if table else "") + text[start + len(word) :]
    han = [i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
    if not han:
        return text
    i = rng.choice(han)
    return text[:i] + (rng.choice(ZH_COMMON) if kind == "swap" else "") + text[i + 1 :]


def _oov(rng: random.Random) -> str:
    if rng.random() < 1 - ZH_SHARE:
        return rng.choice(OOV_EN).format(v=rng.choice(OOV_VERBS), t=rng.choice(OOV_THINGS), p=rng.choice(OOV_PLACES),
                                         d=rng.choice(OOV_DAYS), c=rng.choice(OOV_CITIES))
    c, c2 = rng.sample(ZH_CITIES, 2)
    return rng.choice(OOV_ZH).format(c=c, c2=c2, zt=rng.choice(ZH_THINGS), f=rng.choice(ZH_FOODS))
