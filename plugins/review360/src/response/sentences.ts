/**
 * Splits a comment into sentences, so a rater's comment is stored (and shown) as separate,
 * shuffled sentences instead of one recognisable paragraph.
 *
 * @example
 * splitSentences("响应很快。说明清楚！ Very patient. Thanks"); // ["响应很快。", "说明清楚！", "Very patient.", "Thanks"]
 */
export function splitSentences(text: string): string[] {
  const normalised = text.replace(/\s+/g, " ").trim();
  const sentences: string[] = [];
  let current = "";
  for (let i = 0; i < normalised.length; i++) {
    const ch = normalised[i];
    current += ch;
    const next = normalised[i + 1];
    // 。！？!?；; always end a sentence (with any run of them); "." only before a space or the end (not "2.5").
    const ends = /[。！？!?；;]/.test(ch) ? next === undefined || !/[。！？!?；;]/.test(next) : ch === "." && (next === undefined || next === " ");
    if (ends) {
      sentences.push(current.trim());
      current = "";
    }
  }
  sentences.push(current.trim());
  return sentences.filter((p) => /[\p{L}\p{N}]/u.test(p));
}
