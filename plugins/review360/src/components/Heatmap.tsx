import { Link } from "@remix-run/react";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatNumber } from "@aftercare/i18n";

/** Background of a 1–5 score: red (low) through amber to green (high). */
export function heatColor(value: number | null, min = 1, max = 5): string {
  if (value === null) return "transparent";
  const x = Math.max(0, Math.min(1, (value - min) / (max - min)));
  const hue = Math.round(x * 120);
  return `hsl(${hue} 70% 85%)`;
}

/** Reviewees × competencies, each cell the "others" mean (visible groups only). */
export function Heatmap(props: {
  rows: readonly { revieweeId: number; name: string; others: Readonly<Record<string, number | null>>; overall: number | null }[];
  competencies: readonly { id: string; title: string }[];
}) {
  const { t, locale } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table heatmap">
        <thead>
          <tr>
            <th>{t("review360.todo.reviewee")}</th>
            {props.competencies.map((c) => (
              <th key={c.id} className="num">
                {c.title}
              </th>
            ))}
            <th className="num">{t("review360.report.overall")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.revieweeId}>
              <td>
                <Link to={`/review360/reports/${r.revieweeId}`}>{r.name}</Link>
              </td>
              {props.competencies.map((c) => (
                <td key={c.id} className="num heat" style={{ background: heatColor(r.others[c.id] ?? null) }}>
                  {formatNumber(r.others[c.id], locale, 2)}
                </td>
              ))}
              <td className="num heat" style={{ background: heatColor(r.overall) }}>
                <strong>{formatNumber(r.overall, locale, 2)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
