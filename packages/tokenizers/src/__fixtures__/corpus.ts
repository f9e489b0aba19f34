/**
 * A varied, deterministic text corpus for exactness tests and the
 * benchmark: code, prose in several scripts, emoji, whitespace runs, long
 * repeated characters, numbers, contractions, URLs and JSON.
 */

/** Fixed samples, each a hard case of its own. */
export const SAMPLES: readonly string[] = [
  "Hello, world! It's a test; we'll see what's what. DON'T SHOUT, I'M HERE.",
  "The quick brown fox jumps over the lazy dog.\nPack my box with five dozen liquor jugs.",
  'function add(a, b) {\n  return a + b;\n}\n\nconst xs = [1, 2, 3].map((x) => x * 2);\nif (xs.length !== 3) throw new Error("bad");\n',
  "def fib(n):\n\tif n < 2:\n\t\treturn n\n\treturn fib(n - 1) + fib(n - 2)\n",
  "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY id DESC LIMIT 10;",
  '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"temperature":0.7,"max_tokens":1024}',
  "https://example.com/path/to/page?query=value&other=42#section and mailto:someone@example.org",
  "Größe, Straße, naïve café, façade, smörgåsbord, Ærøskøbing, Łódź, İstanbul, ǅemal.",
  "Съешь же ещё этих мягких французских булок, да выпей чаю. Привет, мир!",
  "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Γειά σου Κόσμε!",
  "日本語のテキストです。東京は日本の首都です。カタカナとひらがな、漢字。",
  "中文文本测试：我爱自然语言处理，今天天气很好。",
  "한국어 텍스트: 안녕하세요, 세계! 다람쥐 헌 쳇바퀴에 타고파.",
  "العربية: مرحبا بالعالم، هذا نص تجريبي.",
  "עברית: שלום עולם, זהו טקסט לבדיקה.",
  "हिन्दी: नमस्ते दुनिया, यह एक परीक्षण है।",
  "ไทย: สวัสดีชาวโลก นี่คือข้อความทดสอบ",
  "Emoji: 😀 🚀 👍🏽 👩‍💻 👨‍👩‍👧‍👦 🇺🇸 🇯🇵 ❤️ ✨ 🧑🏿‍🚀 #️⃣ 🏳️‍🌈",
  "Math: ∑_{i=1}^{n} i² = n(n+1)/2, √2 ≈ 1.41421356, π ≈ 3.14159, ∞ ≠ ∅, x ≤ y ≥ z.",
  "Numbers: 0 1 12 123 1234 12345 123456 1234567 3.14159 -42 1e10 0xFF 1,000,000.00 2024-11-24",
  "Whitespace:  two   three    four\t\ttabs\t \n\n\nnewlines\r\nwindows\r\n  trailing   ",
  "          leading spaces and a long run of spaces                                        end",
  "\n\n\n\n\n\n\n\n\n\n\n\n",
  "\t\t\t\t\t\t\t\tdeeply indented\n\t\t\t\t\t\t\t\t\t\tdeeper",
  "a".repeat(3000),
  "=".repeat(700) + "-".repeat(300) + " ".repeat(257) + "!",
  "ababababababababababababababababababababababababababababababababab".repeat(20),
  "😀".repeat(200),
  "CamelCaseIdentifier snake_case_identifier SCREAMING_CASE kebab-case-identifier __dunder__",
  "He said, \"It's 5 o'clock\" — and left… ‘quotes’ «guillemets» „low“ 「括弧」",
  "Fullwidth: ＡＢＣ１２３，。！？ Half-width katakana: ｱｲｳｴｵ Ligature: ﬁ ﬂ Roman: Ⅻ Superscript: x²",
  "Combining: e\u0301 a\u0308 n\u0303 o\u0302\u0323 Z\u0335\u0321\u0322A\u0337L\u0338G\u0334O",
  "Mixed: abc123def 456ghi JKL789mno PQR stu0 'S 'T 'RE 'VE 'M 'LL 'D 's 't 're 've 'm 'll 'd",
  "<html><body><div class=\"x\">Hello &amp; welcome</div></body></html>",
  "  \u00a0non-breaking\u00a0spaces\u2003em\u2009thin\u3000ideographic ",
];

/** Pseudo-random but deterministic (LCG), so every run sees the same corpus. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

const WORDS = [
  "the", "of", "and", "token", "tokenizer", "gateway", "model", "stream", "counting", "Ratatoskr",
  "function", "return", "const", "await", "async", "import", "export", "interface", "string", "number",
  "Größe", "naïve", "café", "日本語", "東京", "テキスト", "中文", "测试", "русский", "привет", "мир",
  "العربية", "नमस्ते", "한국어", "ελληνικά", "😀", "🚀", "👍🏽", "👩‍💻", "🇯🇵", "x", "y", "i++", "{", "}",
  "(", ")", "=>", "===", "!==", "[]", "//", "/*", "*/", ";", ",", ".", "?", "!", "...", "--",
  "don't", "it's", "WE'LL", "you're", "I'm", "they've", "http://a.b/c?d=e", "foo_bar", "FooBar", "fooBar",
  "1", "42", "2024", "3.14", "1e-9", "0x1F", "100%", "$5", "€10", "¥500",
];

/**
 * About `size` characters of varied text: words and punctuation from many
 * scripts, code-like lines, whitespace runs, the fixed samples, and now and
 * then a long run of one character.
 */
export function generateCorpus(size: number, seed = 42): string {
  const random = generator(seed);
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const roll = random();
    let part: string;
    if (roll < 0.02) part = SAMPLES[Math.floor(random() * SAMPLES.length)]!.slice(0, 400);
    else if (roll < 0.025) part = String.fromCharCode(33 + Math.floor(random() * 90)).repeat(1 + Math.floor(random() * 300));
    else if (roll < 0.08) part = ["\n", "\n\n", "\t", "  ", "    ", "\r\n", " \n", "\n\t\t"][Math.floor(random() * 8)]!;
    else if (roll < 0.12) part = String(Math.floor(random() * 10 ** (1 + Math.floor(random() * 8))));
    else part = WORDS[Math.floor(random() * WORDS.length)]! + (random() < 0.8 ? " " : "");
    parts.push(part);
    length += part.length;
  }
  return parts.join("");
}
