/**
 * The weeks of a month grid (Monday first), as `YYYY-MM-DD` dates including the days of the
 * neighbouring months that fill the first and last week. Pure.
 *
 * @example
 * monthGrid("2026-03")[0]; // ["2026-02-23", …, "2026-03-01"] (1 March 2026 is a Sunday)
 */
export function monthGrid(month: string): string[][] {
  const [y, m] = month.split("-").map(Number);
  const first = Date.UTC(y, m - 1, 1);
  const last = Date.UTC(y, m, 0);
  const mondayOffset = (new Date(first).getUTCDay() + 6) % 7;
  const weeks: string[][] = [];
  for (let day = first - mondayOffset * 86_400_000; day <= last; ) {
    const week: string[] = [];
    for (let i = 0; i < 7; i++, day += 86_400_000) week.push(new Date(day).toISOString().slice(0, 10));
    weeks.push(week);
  }
  return weeks;
}
