/**
 * Public entry of the browser component: `import { SurveyForm } from "@aftercare/forms/survey-form"`.
 * (The package maps `./*` to `./src/*.ts`, so the .tsx files are reached through this file.)
 * survey-core and survey-react-ui are NOT loaded by importing this: they load lazily after hydration.
 */
export { SurveyForm, SurveyFormPlaceholder, type SurveyFormProps } from "./SurveyForm";
export type { FieldError, SubmitHandler } from "./survey-submit";
