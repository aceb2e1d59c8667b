package io.flexigpt.eval.perplexity;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WikiText as lm-evaluation-harness's {@code wikitext} task reads it: the raw file
 * ({@code wiki.test.raw} of wikitext-2-raw-v1) cut into articles as the harness's document-level
 * dataset cuts it, and each article detokenized before it is scored. The word and byte counts of the
 * task are taken on the article before detokenization (see {@link TextFormat#WIKITEXT}).
 */
public final class WikiText {
    /** Python's {@code \s} in a {@code str} pattern: every character for which {@code isspace()} holds. */
    private static final String SPACE = pythonWhitespaceClass();

    private static final Pattern QUOTE_NUMBER = Pattern.compile("/' [0-9]/");
    private static final Pattern PARENTHESES = inner("\\(", "[^)]", "\\)");
    private static final Pattern BRACKETS = inner("\\[", "[^\\]]", "\\]");
    private static final Pattern BRACES = inner("\\{", "[^}]", "\\}");
    private static final Pattern DOUBLE_QUOTES = inner("\"", "[^\"]", "\"");
    private static final Pattern SINGLE_QUOTES = inner("'", "[^']", "'");

    private WikiText() {}

    /**
     * The articles of a raw WikiText file, each the {@code "\n"}-joined lines from its title line up
     * to the next title line. A title line is one that, with {@code "= = ="} turned into {@code "==="}
     * and then {@code "= ="} into {@code "=="} and surrounding whitespace stripped, starts with
     * {@code "= "} and ends with {@code " ="}; so section headings ({@code " = = History = = "}) stay
     * inside their article. Line endings are normalised to {@code "\n"} first. Text before the first
     * title is an article of its own unless it is blank; the last article keeps the file's final
     * newline. The wikitext-2-raw test file gives 62 articles, as the harness's dataset has: 60 real
     * ones and two pieces of "Constant k filter" that begin at lines of a formula broken so that they
     * look like titles ({@code " = 1 rad / s and a nominal impedance k = "}).
     */
    public static List<String> articles(String rawText) {
        String[] lines = rawText.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        List<String> articles = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            if (isTitle(line)) {
                String article = String.join("\n", current);
                if (!isBlank(article)) {
                    articles.add(article);
                }
                current.clear();
            }
            current.add(line);
        }
        articles.add(String.join("\n", current));
        return articles;
    }

    /**
     * The harness's {@code wikitext_detokenizer}, rule by rule in its order: {@code "s '"} becomes
     * {@code "s'"}; the number separators {@code " @-@ "}, {@code " @,@ "}, {@code " @.@ "} become
     * {@code "-"}, {@code ","}, {@code "."}; the space before {@code : ; . ! ? ,} goes when a space
     * follows; whitespace just inside matching {@code ()}, {@code []}, {@code {}}, {@code ""} and
     * {@code ''} pairs goes (pairs are matched left to right, not nested); heading markers
     * {@code "= = = ="}, {@code "= = ="}, {@code "= ="} lose their spaces; {@code " ° "} becomes
     * {@code "°"}; spaces next to a newline go; {@code " N "} becomes {@code " 1 "}; {@code " 's"}
     * becomes {@code "'s"}. Its one quirk is kept too: the literal text {@code /' 5/} (slash,
     * apostrophe, space, digit, slash) becomes {@code /'[0-9]/}.
     */
    public static String detokenize(String text) {
        String s = text.replace("s '", "s'");
        s = QUOTE_NUMBER.matcher(s).replaceAll(Matcher.quoteReplacement("/'[0-9]/"));
        s = s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", ".");
        s = s.replace(" : ", ": ")
                .replace(" ; ", "; ")
                .replace(" . ", ". ")
                .replace(" ! ", "! ")
                .replace(" ? ", "? ")
                .replace(" , ", ", ");
        s = PARENTHESES.matcher(s).replaceAll("($1)");
        s = BRACKETS.matcher(s).replaceAll("[$1]");
        s = BRACES.matcher(s).replaceAll("{$1}");
        s = DOUBLE_QUOTES.matcher(s).replaceAll("\"$1\"");
        s = SINGLE_QUOTES.matcher(s).replaceAll("'$1'");
        s = s.replace("= = = =", "====").replace("= = =", "===").replace("= =", "==");
        s = s.replace(" \u00b0 ", "\u00b0");
        s = s.replace(" \n", "\n").replace("\n ", "\n");
        return s.replace(" N ", " 1 ").replace(" 's", "'s");
    }

    private static boolean isTitle(String line) {
        String marked = strip(line.replace("= = =", "===").replace("= =", "=="));
        return marked.startsWith("= ") && marked.endsWith(" =");
    }

    /** Python's {@code str.strip()}. */
    private static String strip(String s) {
        int begin = 0;
        int end = s.length();
        while (begin < end && TextCounts.isPythonWhitespace(s.codePointAt(begin))) {
            begin += Character.charCount(s.codePointAt(begin));
        }
        while (end > begin && TextCounts.isPythonWhitespace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(begin, end);
    }

    private static boolean isBlank(String s) {
        return strip(s).isEmpty();
    }

    /** {@code open + \s* + (inside*?) + \s* + close}: a delimited span with its inner spaces trimmed. */
    private static Pattern inner(String open, String inside, String close) {
        return Pattern.compile(open + SPACE + "*(" + inside + "*?)" + SPACE + "*" + close);
    }

    private static String pythonWhitespaceClass() {
        StringBuilder cls = new StringBuilder("[");
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (TextCounts.isPythonWhitespace(c)) {
                cls.append(String.format("\\x{%x}", c));
            }
        }
        return cls.append(']').toString();
    }
}
