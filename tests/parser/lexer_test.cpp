// parser/lexer.{hpp,cpp}: words, quotes, escapes, comments, braces, columns.
#include "parser/lexer.hpp"

#include <CppUTest/TestHarness.h>

#include <string>
#include <vector>

using namespace pmtr;
using namespace pmtr::conf;

namespace {

struct Lexed {
  std::vector<Token> tokens;           // up to and including End/Error
  std::vector<Diagnostic> diags;
};

// Tokens of one line; the lexer is kept alive in `keep` so views stay valid.
struct LexRun {
  std::vector<Diagnostic> diags;
  DiagSink sink{diags};
  std::string text;
  LineLexer lx;
  explicit LexRun(std::string line, size_t max_token = limits::kTokenBytes)
      : text(std::move(line)), lx(text, 7, sink, max_token) {}
  std::vector<Token> all(LexMode mode = LexMode::Structural) {
    std::vector<Token> out;
    for (;;) {
      out.push_back(lx.next(mode));
      if (out.back().kind == TokKind::End || out.back().kind == TokKind::Error) return out;
    }
  }
};

std::string words(const std::vector<Token>& ts) {
  std::string s;
  for (const auto& t : ts) {
    if (!s.empty()) s += '|';
    switch (t.kind) {
      case TokKind::Word: s += std::string(t.value()) + "@" + std::to_string(t.col); break;
      case TokKind::LBrace: s += "{@" + std::to_string(t.col); break;
      case TokKind::RBrace: s += "}@" + std::to_string(t.col); break;
      case TokKind::End: s += "END@" + std::to_string(t.col); break;
      case TokKind::Error: s += "ERROR@" + std::to_string(t.col); break;
    }
  }
  return s;
}

std::string lex(const std::string& line, LexMode mode = LexMode::Structural) {
  LexRun r(line);
  return words(r.all(mode));
}

}  // namespace

TEST_GROUP(Lexer){};

TEST(Lexer, SplitsWordsAtBlanksWithByteColumns) {
  STRCMP_EQUAL("name@1|demux@6|END@11", lex("name demux").c_str());
  STRCMP_EQUAL("a@3|b@7|END@8", lex("  a   b").c_str());
}

TEST(Lexer, TabCrVtFfAreBlanksAndCountOneColumn) {
  STRCMP_EQUAL("name@2|x@8|END@10", lex("\tname\t\fx\r").c_str());
  STRCMP_EQUAL("a@1|b@3|END@4", lex("a\vb").c_str());
}

TEST(Lexer, EmptyAndBlankLinesAreJustEnd) {
  STRCMP_EQUAL("END@1", lex("").c_str());
  STRCMP_EQUAL("END@4", lex("   ").c_str());
}

TEST(Lexer, HashAtStartOfLineIsAComment) {
  STRCMP_EQUAL("END@1", lex("# job { name x }").c_str());
  STRCMP_EQUAL("END@3", lex("  #indented").c_str());
}

TEST(Lexer, HashAfterBlankStartsAComment) {
  STRCMP_EQUAL("cmd@1|/bin/x@5|-v@12|END@16", lex("cmd /bin/x -v  # note", LexMode::Argument).c_str());
  STRCMP_EQUAL("a@1|END@3", lex("a #").c_str());
}

TEST(Lexer, HashInsideAWordIsLiteral) {
  STRCMP_EQUAL("a#b@1|-v#@5|END@8", lex("a#b -v#").c_str());
}

TEST(Lexer, HashInsideQuotesIsLiteral) {
  STRCMP_EQUAL("# not a comment@1|END@18", lex("\"# not a comment\"").c_str());
}

TEST(Lexer, HashRightAfterBraceStartsAComment) {
  STRCMP_EQUAL("job@1|{@5|END@6", lex("job {# open").c_str());
}

TEST(Lexer, QuotedSegmentsGlueToTheirWord) {
  LexRun r("env OPTS=\"-a -b\" x\"y z\"w");
  const auto ts = r.all(LexMode::Argument);
  LONGS_EQUAL(4, ts.size());
  STRCMP_EQUAL("OPTS=-a -b", std::string(ts[1].value()).c_str());
  CHECK_TRUE(ts[1].quoted);
  LONGS_EQUAL(5, ts[1].col);
  STRCMP_EQUAL("xy zw", std::string(ts[2].value()).c_str());
  LONGS_EQUAL(18, ts[2].col);
  CHECK_FALSE(ts[0].quoted);
}

TEST(Lexer, EmptyQuotesMakeAnEmptyWord) {
  LexRun r("a \"\" b");
  const auto ts = r.all();
  LONGS_EQUAL(4, ts.size());
  CHECK_TRUE(ts[1].kind == TokKind::Word);
  LONGS_EQUAL(0, ts[1].value().size());
  LONGS_EQUAL(3, ts[1].col);
}

TEST(Lexer, OnlyBackslashQuoteAndBackslashBackslashEscape) {
  LexRun r(R"("say \"hi\" \\ end")");
  const auto ts = r.all();
  STRCMP_EQUAL(R"(say "hi" \ end)", std::string(ts[0].value()).c_str());
  LONGS_EQUAL(0, r.diags.size());
}

TEST(Lexer, OtherEscapeInQuotesIsAnErrorAtTheBackslash) {
  LexRun r(R"(cmd /bin/echo "a\nb")");
  const auto ts = r.all(LexMode::Argument);
  CHECK_TRUE(ts.back().kind == TokKind::Error);
  LONGS_EQUAL(1, r.diags.size());
  LONGS_EQUAL(7, r.diags[0].line);
  LONGS_EQUAL(17, r.diags[0].col);
  STRCMP_EQUAL(R"(invalid escape '\n' in quoted string (only \" and \\))", r.diags[0].text.c_str());
}

TEST(Lexer, BackslashOutsideQuotesIsLiteral) {
  STRCMP_EQUAL(R"(a\@1|b@4|c\d@6|END@9)", lex(R"(a\ b c\d)").c_str());
}

TEST(Lexer, UnterminatedQuoteIsReportedAtTheOpeningQuote) {
  LexRun r(R"(name "abc def)");
  const auto ts = r.all();
  CHECK_TRUE(ts.back().kind == TokKind::Error);
  LONGS_EQUAL(1, r.diags.size());
  LONGS_EQUAL(6, r.diags[0].col);
  STRCMP_EQUAL("unterminated quoted string", r.diags[0].text.c_str());
}

TEST(Lexer, EscapedQuoteAtEndOfLineLeavesTheQuoteOpen) {
  LexRun r(R"(x "abc\")");
  (void)r.all();
  LONGS_EQUAL(1, r.diags.size());
  LONGS_EQUAL(3, r.diags[0].col);
  STRCMP_EQUAL("unterminated quoted string", r.diags[0].text.c_str());
}

TEST(Lexer, BackslashAtEndOfLineInsideQuotesIsUnterminated) {
  LexRun r("\"abc\\");
  (void)r.all();
  LONGS_EQUAL(1, r.diags.size());
  STRCMP_EQUAL("unterminated quoted string", r.diags[0].text.c_str());
}

TEST(Lexer, AfterAnErrorTheLineIsOver) {
  LexRun r(R"("\q" more words)");
  CHECK_TRUE(r.lx.next(LexMode::Structural).kind == TokKind::Error);
  CHECK_TRUE(r.lx.next(LexMode::Structural).kind == TokKind::End);
  CHECK_TRUE(r.lx.next(LexMode::Structural).kind == TokKind::End);
  LONGS_EQUAL(1, r.diags.size());
}

TEST(Lexer, StructuralModeSplitsBraces) {
  STRCMP_EQUAL("job@1|{@4|END@5", lex("job{").c_str());
  STRCMP_EQUAL("{@1|x@2|}@3|END@4", lex("{x}").c_str());
  STRCMP_EQUAL("ulimit@1|{@8|-n@9|1@12|}@13|END@14", lex("ulimit {-n 1}").c_str());
}

TEST(Lexer, ArgumentModeKeepsBracesInWords) {
  STRCMP_EQUAL("-exec@1|{}@7|;@10|END@11", lex("-exec {} ;", LexMode::Argument).c_str());
  STRCMP_EQUAL("X={a}@1|END@6", lex("X={a}", LexMode::Argument).c_str());
}

TEST(Lexer, QuotedBraceIsAWordNotPunctuation) {
  LexRun r("\"{\" \"}\"");
  const auto ts = r.all();
  CHECK_TRUE(ts[0].kind == TokKind::Word);
  CHECK_TRUE(ts[1].kind == TokKind::Word);
  STRCMP_EQUAL("}", std::string(ts[1].value()).c_str());
}

TEST(Lexer, ModeCanChangeBetweenTokens) {
  LexRun r("ulimit {} x");
  CHECK_TRUE(r.lx.next(LexMode::Structural).is_keyword("ulimit"));
  const Token t = r.lx.next(LexMode::Argument);
  CHECK_TRUE(t.kind == TokKind::Word);
  STRCMP_EQUAL("{}", std::string(t.value()).c_str());
}

TEST(Lexer, ManyQuotedWordsOnOneLineAllStayValid) {
  std::string line;
  for (int i = 0; i < 50; ++i) line += "\"w" + std::to_string(i) + "\" ";
  LexRun r(line);
  const auto ts = r.all();
  LONGS_EQUAL(51, ts.size());
  for (int i = 0; i < 50; ++i) STRCMP_EQUAL(("w" + std::to_string(i)).c_str(), std::string(ts[i].value()).c_str());
}

TEST(Lexer, WordLongerThanTheCapIsAnErrorAtItsStart) {
  LexRun r("ab abcdef", 5);
  const auto ts = r.all();
  CHECK_TRUE(ts.back().kind == TokKind::Error);
  LONGS_EQUAL(1, r.diags.size());
  LONGS_EQUAL(4, r.diags[0].col);
  STRCMP_EQUAL("word too long (6 bytes, max 5)", r.diags[0].text.c_str());
}

TEST(Lexer, CapAppliesToTheValueNotTheQuotes) {
  LexRun ok("\"abcde\"", 5);
  (void)ok.all();
  LONGS_EQUAL(0, ok.diags.size());
  LexRun bad("\"abc\"def", 5);
  (void)bad.all();
  LONGS_EQUAL(1, bad.diags.size());
  STRCMP_EQUAL("word too long (6 bytes, max 5)", bad.diags[0].text.c_str());
}

TEST(Lexer, NonAsciiBytesAreOrdinaryWordBytes) {
  STRCMP_EQUAL("caf\xc3\xa9@1|x@7|END@8", lex("caf\xc3\xa9 x").c_str());
}

TEST(Lexer, KeywordMatchIgnoresQuotingButNotCase) {
  LexRun r("\"job\" Job");
  CHECK_TRUE(r.lx.next(LexMode::Structural).is_keyword("job"));
  CHECK_FALSE(r.lx.next(LexMode::Structural).is_keyword("job"));
}

TEST(Lexer, DescribeNamesEachKindOfToken) {
  LexRun r("word { }");
  STRCMP_EQUAL("'word'", describe(r.lx.next(LexMode::Structural)).c_str());
  STRCMP_EQUAL("'{'", describe(r.lx.next(LexMode::Structural)).c_str());
  STRCMP_EQUAL("'}'", describe(r.lx.next(LexMode::Structural)).c_str());
  STRCMP_EQUAL("end of line", describe(r.lx.next(LexMode::Structural)).c_str());
}

TEST(Lexer, DescribeCutsLongWords) {
  const std::string w(100, 'x');
  LexRun r(w);
  STRCMP_EQUAL(("'" + std::string(64, 'x') + "...'").c_str(), describe(r.lx.next(LexMode::Structural)).c_str());
}
