/**
 * A radar chart of competencies in plain SVG (prints cleanly): self and others as two polygons on
 * the scale's range. With fewer than three axes it still draws (a line or a point).
 */
export function RadarChart(props: {
  axes: readonly { label: string; self: number | null; others: number | null }[];
  min: number;
  max: number;
  selfLabel: string;
  othersLabel: string;
}) {
  const size = 320;
  const c = size / 2;
  const radius = 110;
  const n = Math.max(props.axes.length, 1);
  const point = (i: number, value: number) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    const r = (radius * (value - props.min)) / (props.max - props.min);
    return [c + r * Math.cos(angle), c + r * Math.sin(angle)] as const;
  };
  const polygon = (key: "self" | "others") =>
    props.axes.every((a) => a[key] !== null) ? props.axes.map((a, i) => point(i, a[key]!).join(",")).join(" ") : null;
  const rings = Array.from({ length: props.max - props.min }, (_, k) => props.min + k + 1);
  const self = polygon("self");
  const others = polygon("others");
  return (
    <figure className="radar">
      <svg viewBox={`0 0 ${size} ${size}`} role="img" aria-label={props.axes.map((a) => `${a.label}: ${a.others ?? "–"} / ${a.self ?? "–"}`).join("; ")}>
        {rings.map((v) => (
          <polygon key={v} points={props.axes.map((_, i) => point(i, v).join(",")).join(" ")} className="radar-ring" />
        ))}
        {props.axes.map((a, i) => {
          const [x, y] = point(i, props.max);
          const [lx, ly] = point(i, props.max + (props.max - props.min) * 0.18);
          return (
            <g key={a.label}>
              <line x1={c} y1={c} x2={x} y2={y} className="radar-axis" />
              <text x={lx} y={ly} textAnchor="middle" dominantBaseline="middle" className="radar-label">
                {a.label}
              </text>
            </g>
          );
        })}
        {others ? <polygon points={others} className="radar-others" /> : null}
        {self ? <polygon points={self} className="radar-self" /> : null}
      </svg>
      <figcaption className="small">
        <span className="legend legend-others" /> {props.othersLabel} <span className="legend legend-self" /> {props.selfLabel}
      </figcaption>
    </figure>
  );
}
