// The submit wiring of <SurveyForm>, driven through a real survey-core 3 model in Node.
import { Model } from "survey-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bindSubmit, type FieldError, type SubmitHandler } from "./survey-submit";
import type { SurveyData, SurveyJson } from "./types";
import { validateAnswers } from "./validate";

const json: SurveyJson = {
  pages: [
    {
      elements: [
        { type: "text", name: "name", isRequired: true },
        { type: "boolean", name: "unhappy" },
        { type: "comment", name: "why", visibleIf: "{unhappy} = true" },
      ],
    },
    { elements: [{ type: "rating", name: "speed", isRequired: true }] },
  ],
};

/** A promise with its resolve/reject exposed, to hold a submission in flight. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Whether survey-core's Complete button is enabled (it is disabled while onCompleting is pending). */
function completeButtonEnabled(model: Model): boolean {
  return model.navigationBar.getActionById("sv-nav-complete").enabled !== false;
}

/** Lets pending promises and zero-delay timers run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

function filledModel(): Model {
  const model = new Model(json);
  model.data = { name: "Li Lei", unhappy: false, why: "typed before hiding", speed: 4 };
  model.currentPageNo = 1;
  return model;
}

afterEach(() => vi.restoreAllMocks());

describe("bindSubmit", () => {
  it("completes the survey when onSubmit resolves with nothing, sending the visible answers", async () => {
    const model = filledModel();
    const sent: SurveyData[] = [];
    bindSubmit(model, { submit: async (data) => void sent.push(data), failureMessage: () => "failed" });
    model.completeLastPage();
    await settle();
    expect(model.state).toBe("completed");
    expect(sent).toEqual([{ name: "Li Lei", unhappy: false, speed: 4 }]);
  });

  it("keeps the survey open with every answer and shows each server error on its question", async () => {
    const model = filledModel();
    // What the route's action would answer: our own validator's errors for a forged value.
    const submit: SubmitHandler = async (data) => {
      const result = validateAnswers(json, { ...data, speed: 9 }, "en");
      return result.ok ? undefined : result.errors;
    };
    bindSubmit(model, { submit, failureMessage: () => "failed" });
    model.completeLastPage();
    await settle();
    expect(model.state).toBe("running");
    expect(model.data).toEqual({ name: "Li Lei", unhappy: false, why: "typed before hiding", speed: 4 });
    expect(model.getQuestionByName("speed").errors.map((e) => e.text)).toEqual(["The value must be between 1 and 5."]);
    expect(completeButtonEnabled(model)).toBe(true);
  });

  it("focuses the first question with an error, on its page", async () => {
    const model = filledModel();
    const focus = vi.spyOn(model.getQuestionByName("name"), "focus");
    bindSubmit(model, {
      submit: async () => [{ name: "name", message: "Taken" }, { name: "speed", message: "Too fast" }],
      failureMessage: () => "failed",
    });
    model.completeLastPage();
    await settle();
    expect(focus).toHaveBeenCalledWith(true);
    expect(model.currentPageNo).toBe(0);
    expect(model.getQuestionByName("speed").errors.map((e) => e.text)).toEqual(["Too fast"]);
  });

  it("shows errors that match no question as one notification", async () => {
    const model = filledModel();
    const notify = vi.spyOn(model, "notify");
    bindSubmit(model, {
      submit: async () => [{ name: "", message: "Link expired." }, { name: "ghost", message: "Unknown field." }],
      failureMessage: () => "failed",
    });
    model.completeLastPage();
    await settle();
    expect(model.state).toBe("running");
    expect(notify).toHaveBeenCalledWith("Link expired. Unknown field.", "error");
  });

  it("keeps the survey open and shows the failure message when onSubmit throws", async () => {
    const model = filledModel();
    const notify = vi.spyOn(model, "notify");
    bindSubmit(model, { submit: () => Promise.reject(new TypeError("Failed to fetch")), failureMessage: () => "Could not send" });
    model.completeLastPage();
    await settle();
    expect(model.state).toBe("running");
    expect(model.data.name).toBe("Li Lei");
    expect(notify).toHaveBeenCalledWith("Could not send", "error");
  });

  it("reports busy while in flight and refuses a second submission meanwhile", async () => {
    const model = filledModel();
    const pending = deferred<readonly FieldError[] | void>();
    const submit = vi.fn<SubmitHandler>(() => pending.promise);
    const busy: boolean[] = [];
    bindSubmit(model, { submit, onBusyChange: (b) => busy.push(b), failureMessage: () => "failed" });
    model.completeLastPage();
    expect(completeButtonEnabled(model)).toBe(false);
    model.doComplete(); // a second click, forced past the disabled button
    model.completeLastPage();
    await settle();
    expect(submit).toHaveBeenCalledTimes(1);
    expect(busy).toEqual([true]);
    pending.resolve();
    await settle();
    expect(busy).toEqual([true, false]);
    expect(model.state).toBe("completed");
  });

  it("lets the survey be submitted again after errors, and then completes", async () => {
    const model = filledModel();
    const answers = [[{ name: "speed", message: "Try again" }], undefined];
    const submit = vi.fn<SubmitHandler>(async () => answers.shift());
    bindSubmit(model, { submit, failureMessage: () => "failed" });
    model.completeLastPage();
    await settle();
    expect(model.state).toBe("running");
    model.completeLastPage();
    await settle();
    expect(submit).toHaveBeenCalledTimes(2);
    expect(model.state).toBe("completed");
  });

  it("stops calling onSubmit once detached", async () => {
    const model = filledModel();
    const submit = vi.fn<SubmitHandler>(async () => undefined);
    const detach = bindSubmit(model, { submit, failureMessage: () => "failed" });
    detach();
    model.completeLastPage();
    await settle();
    expect(submit).not.toHaveBeenCalled();
  });
});
