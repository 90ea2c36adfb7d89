// Case 6: the 360 report (filled in below once the plugin's report is measurable).
export async function review360Suite() {
  return { skipped: "360 plugin has no report yet" };
}
