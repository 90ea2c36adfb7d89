/**
 * `@aftercare/forms`: SurveyJS forms as schemas. This entry is the non-React API (types,
 * validation, scores, localisation); it imports neither React nor survey-core, so server code
 * can use it freely. The browser component is `@aftercare/forms/survey-form`.
 */
export type * from "./types";
export { localText, surveyLocale, type SurveyLocaleCode } from "./localize";
export { readSurvey, ratingScale, type QuestionInfo, type RatingScale, type SurveyOutline } from "./survey-schema";
export {
  cleanText,
  compileSurvey,
  compiledSurvey,
  findSurveyProblems,
  validateAnswers,
  DEFAULT_COMMENT_MAX_LENGTH,
  DEFAULT_TEXT_MAX_LENGTH,
  MAX_ERRORS,
  SurveySchemaError,
  type CompiledSurvey,
  type ValidationError,
  type ValidationResult,
} from "./validate";
export { validationMessage, type MessageParams, type ValidationCode } from "./validation-messages";
export { choicePoints, isNumericQuestion, isPointsQuestion, numericAnswers } from "./scores";
