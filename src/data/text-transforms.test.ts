import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  collapseWhitespace,
  decodeEntities,
  HASHTAG_TOKEN,
  MENTION_TOKEN,
  nfkc,
  normalisedKey,
  removeReplacementChars,
  repairMojibake,
  replaceHashtags,
  replaceMentions,
  replaceUrls,
  URL_TOKEN,
} from "./index.ts";

// Inputs are rows of the seed package (lightly shortened), so the repairs are pinned on real damage.
describe("repairMojibake", () => {
  const cases: Array<[string, string]> = [
    [
      "Reddit Will Now Quarantine Offensive —_ http://t.co/wjWYJBncat",
      "Reddit Will Now Quarantine Offensive … http://t.co/wjWYJBncat",
    ],
    [
      "Anyone know if Fox  —“News —� will be live-streaming tonight —s Republican debate",
      "Anyone know if Fox  “News ” will be live-streaming tonight’s Republican debate",
    ],
    ["@aphyr I —ve been following you this long", "@aphyr I’ve been following you this long"],
    ["CHICAGO (AP)  —” Organizers of Lollapalooza", "CHICAGO (AP)  — Organizers of Lollapalooza"],
    ["quarantine  —…extremely offensive — communities", "quarantine  “extremely offensive — communities"],
    [
      "Alabama home quarantined over possible EbolaÎ¾case",
      "Alabama home quarantined over possible Ebola case",
    ],
    ["Buyout Giants Bid To Derail Î£6bn Worldpay IPO", "Buyout Giants Bid To Derail £6bn Worldpay IPO"],
    ["debris found on R’©union Island", "debris found on Réunion Island"],
    [
      "Official kinesiology tape of IRONMANÎÂ long-lasting",
      "Official kinesiology tape of IRONMAN long-lasting",
    ],
    [" —¢i'm the architect of my own disaster —¢", " •i'm the architect of my own disaster •"],
    // The original export's spelling of the same damage.
    [
      "Offensive ‰Û_ http://t.co/x I‰Ûªm sure ‰ÛÏquoted‰Û\uFFFD",
      "Offensive … http://t.co/x I’m sure “quoted”",
    ],
    ["Heavy rainåÊtonight", "Heavy rain tonight"],
    // Plain UTF-8 read as Windows-1252.
    ["It’s a disaster — donâ€™t go", "It’s a disaster — don’t go"],
    ["CafÃ© flooded", "Café flooded"],
  ];
  for (const [before, after] of cases) {
    test(JSON.stringify(before), () => assert.equal(repairMojibake(before), after));
  }

  test("leaves clean text alone, including real Greek and accented letters", () => {
    for (const text of ["Storm over Île-de-France", "ξ and ψ", "it's fine", "naïve café"]) {
      assert.equal(repairMojibake(text), text);
    }
  });

  test("returns the very same string when nothing changes (the report counts on it)", () => {
    const text = "Forest fire near La Ronge Sask. Canada";
    assert.equal(Object.is(repairMojibake(text), text), true);
  });
});

describe("removeReplacementChars", () => {
  test("drops U+FFFD, the mark of bytes lost before sift saw them", () => {
    assert.equal(removeReplacementChars("Praam\uFFFD_ius (manifestation"), "Praam_ius (manifestation");
    assert.equal(removeReplacementChars("no damage"), "no damage");
  });
});

describe("decodeEntities", () => {
  test("decodes named and numeric entities, twice-escaped ones too", () => {
    assert.equal(decodeEntities("Dr. Jim &amp; the tsunami"), "Dr. Jim & the tsunami");
    assert.equal(decodeEntities("I &lt;3 fire&gt;ice"), "I <3 fire>ice");
    assert.equal(decodeEntities("R&amp;amp;B &#39;storm&#39;"), "R&B 'storm'");
  });
  test("leaves a bare ampersand alone", () => assert.equal(decodeEntities("AT&T down"), "AT&T down"));
});

describe("nfkc", () => {
  test("folds compatibility characters", () => {
    assert.equal(nfkc("ｆｉｒｅ … ﬁre"), "fire ... fire");
  });
});

describe("urls, mentions, hashtags", () => {
  const tweet = "@KOMONews Fire on #I5 near Everett http://t.co/abc123 #WAwildfire via @Reuters";
  test("URLs: token, strip, keep", () => {
    assert.equal(replaceUrls(tweet, "token"), tweet.replace("http://t.co/abc123", ` ${URL_TOKEN} `));
    assert.equal(replaceUrls("see www.example.com/x now", "strip"), "see   now");
    assert.equal(
      replaceUrls("Derail Into A River In Indiahttp://t.co/x1", "token"),
      `Derail Into A River In India ${URL_TOKEN} `,
    );
    assert.equal(replaceUrls(tweet, "keep"), tweet);
  });
  test("mentions: token, word, strip; e-mail addresses are not mentions", () => {
    assert.equal(
      replaceMentions(tweet, "token"),
      `${MENTION_TOKEN} Fire on #I5 near Everett http://t.co/abc123 #WAwildfire via ${MENTION_TOKEN}`,
    );
    assert.equal(replaceMentions("via @Reuters", "word"), "via Reuters");
    assert.equal(replaceMentions("via @Reuters.", "strip"), "via .");
    assert.equal(replaceMentions("mail help@example.com", "token"), "mail help@example.com");
  });
  test("hashtags: the word stays by default; numbers after # are not hashtags", () => {
    assert.equal(replaceHashtags("#WAwildfire spreading", "word"), "WAwildfire spreading");
    assert.equal(replaceHashtags("Cancel + #26! #Ashes", "token"), `Cancel + #26! ${HASHTAG_TOKEN}`);
    assert.equal(replaceHashtags("#Ashes 2015", "strip"), " 2015");
  });
});

describe("collapseWhitespace", () => {
  test("CRLF, tabs and runs of spaces become one space; ends are trimmed", () => {
    assert.equal(
      collapseWhitespace(" Lanjut dirumah...\r\n\r\n#yagitudeh\t-  Jake "),
      "Lanjut dirumah... #yagitudeh - Jake",
    );
  });
});

describe("normalisedKey", () => {
  test("tweets that differ only by link, case and punctuation share a key", () => {
    const a = normalisedKey(
      "Cop pulls drunk driver to safety SECONDS before his car is hit by train. http://t.co/C0nKGp6w03",
    );
    const b = normalisedKey(
      "cop pulls drunk driver to safety seconds before his car is hit by train http://t.co/F1BAkpNyn6!",
    );
    assert.equal(a, b);
    assert.equal(a, "cop pulls drunk driver to safety seconds before his car is hit by train xxurl");
  });
  test("keeps non-ASCII letters", () => assert.equal(normalisedKey("Séisme à Tokyo!"), "séisme à tokyo"));
});
