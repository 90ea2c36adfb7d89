/**
 * The "whose" filter of the visits pages: a select of the people the viewer may see, with a first
 * option for all of them. Renders nothing for a viewer who sees only themselves.
 */
export function PersonSelect(props: {
  name: string;
  value: string | number | null | undefined;
  label: string;
  people: readonly { id: number; name: string }[];
  /** The first option: everyone (value "" unless given). */
  anyLabel: string;
  anyValue?: string;
}) {
  if (props.people.length === 0) return null;
  return (
    <select name={props.name} defaultValue={props.value ?? props.anyValue ?? ""} aria-label={props.label}>
      <option value={props.anyValue ?? ""}>{props.anyLabel}</option>
      {props.people.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}
