export { CsrfField, PageHeader, Notice, EmptyState, SearchBox, Pagination, ConfirmButton, BarChart, StatCard } from "./components";
export { useRootData, type RootData } from "./root-data";
export { useSurveySubmit, type SubmitResult } from "./survey-submit";
