/** A small SVG line chart of the satisfaction index across campaigns, with the threshold line. */
export function TrendChart(props: { points: readonly { label: string; value: number | null; current?: boolean }[]; threshold: number }) {
  const points = props.points.filter((p) => p.value !== null) as { label: string; value: number; current?: boolean }[];
  if (points.length === 0) return null;
  const width = 480;
  const height = 200;
  const pad = { left: 34, right: 12, top: 12, bottom: 34 };
  const min = Math.max(0, Math.floor(Math.min(props.threshold, ...points.map((p) => p.value)) / 10) * 10 - 10);
  const max = 100;
  const x = (i: number) => pad.left + (points.length === 1 ? (width - pad.left - pad.right) / 2 : (i * (width - pad.left - pad.right)) / (points.length - 1));
  const y = (v: number) => pad.top + ((max - v) * (height - pad.top - pad.bottom)) / (max - min);
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ");
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="trend-chart" role="img" aria-label={points.map((p) => `${p.label}: ${p.value.toFixed(1)}`).join(", ")}>
      {[min, (min + max) / 2, max].map((v) => (
        <g key={v}>
          <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} stroke="#e3e8ef" />
          <text x={pad.left - 4} y={y(v) + 4} fontSize="10" textAnchor="end" fill="#667085">
            {v}
          </text>
        </g>
      ))}
      <line x1={pad.left} x2={width - pad.right} y1={y(props.threshold)} y2={y(props.threshold)} stroke="#c62828" strokeDasharray="4 3" />
      <path d={path} fill="none" stroke="#0b6bcb" strokeWidth="2" />
      {points.map((p, i) => (
        <g key={`${p.label}-${i}`}>
          <circle cx={x(i)} cy={y(p.value)} r={p.current ? 5 : 3.5} fill={p.current ? "#0a4f96" : "#0b6bcb"} />
          <text x={x(i)} y={y(p.value) - 8} fontSize="10" textAnchor="middle" fill="#1d2330">
            {p.value.toFixed(1)}
          </text>
          <text x={x(i)} y={height - 12} fontSize="10" textAnchor="middle" fill="#667085">
            {p.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
