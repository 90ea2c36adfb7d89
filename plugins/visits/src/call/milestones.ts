/** Milestones a person records on a service call, in their order. */
export const MILESTONES = ["responded", "arrived", "workStarted", "cleared"] as const;
export type Milestone = (typeof MILESTONES)[number];
