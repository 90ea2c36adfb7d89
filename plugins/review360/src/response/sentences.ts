/**
 * Splits a comment into sentences, so a rater's comment is stored (and shown) as separate,
 * shuffled sentences instead of one recognisable paragraph.
 *
 * @example
 * splitSentences("响应很快。说明清楚！ Very patient. Thanks"); // ["响应很快。", "说明清楚！", "Very patient.", "Thanks"]
 */
export function splitSentences(text: string): string[] {
  const normalised = text.replace(/\s+/g, " ").trim();
  if (!normalised) return [];
  const parts = normalised.match(/[^。！？!?；;.\n]+(?:[。！？!?；;]+|\.+(?=\s|$)|$)|[。！？!?；;.]+/g) ?? [normalised];
  return parts.map((p) => p.trim()).filter((p) => /[\p{L}\p{N}]/u.test(p));
}
