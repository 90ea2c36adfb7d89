// Placeholder replaced by the templates/feedback work in progress.
export default function Pending() {
  return null;
}
