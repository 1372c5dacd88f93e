/**
 * A small deterministic corpus for the conformance suite: short sentences about emergencies
 * (positive) and everyday matters (negative), with shared words so neither class is trivial.
 */
const EMERGENCY = ["fire", "flood", "earthquake", "explosion", "wildfire", "storm", "evacuation", "collapse"];
const PLACES = ["downtown", "the river", "the highway", "our street", "the school", "the harbour"];
const EVERYDAY = ["coffee", "movie", "album", "game", "lunch", "weekend", "concert", "book"];
const MOODS = ["loved", "hated", "enjoyed", "watched", "bought", "finished"];

export function conformanceCorpus(): { texts: string[]; y: Uint8Array } {
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 120; i++) {
    const e = EMERGENCY[i % EMERGENCY.length] as string;
    const p = PLACES[(i * 7) % PLACES.length] as string;
    const d = EVERYDAY[(i * 5) % EVERYDAY.length] as string;
    const m = MOODS[(i * 3) % MOODS.length] as string;
    texts.push(`Huge ${e} near ${p}, people evacuated #${e} http://t.co/x${i}`);
    labels.push(1);
    texts.push(`I ${m} the ${d} near ${p} today, it was ${i % 2 === 0 ? "fire" : "a blast"} lol`);
    labels.push(0);
    if (i % 10 === 0) {
      // A few hard rows: figurative emergency words in everyday sentences, and the reverse.
      texts.push(`this ${d} is a total ${e} &amp; I ${m} it`);
      labels.push(0);
      texts.push(`@news ${e} reported, roads closed near ${p}`);
      labels.push(1);
    }
  }
  return { texts, y: Uint8Array.from(labels) };
}

export const ODD_INPUTS: readonly string[] = [
  "",
  "   ",
  "!!! ??? ...",
  "東京で大きな地震がありました 🔥🔥",
  "حريق كبير في وسط المدينة",
  "Пожар в центре города",
  "fire ".repeat(20_000),
  "\u0000\uFFFD\uD800 lone surrogate",
  "Ã¢â‚¬Å“mojibake Ã© cafÃ©",
];
