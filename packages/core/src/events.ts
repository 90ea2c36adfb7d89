import type { EventBus, EventHandler, Logger } from "@aftercare/plugin-api";

/**
 * The in-process event bus plugins use to react to each other without imports.
 * A failing handler is logged and does not stop the others.
 *
 * @example
 * const bus = createEventBus(logger); bus.on("visit.closed", (p) => ...); await bus.emit("visit.closed", { id: 1 });
 */
export function createEventBus(logger: Logger): EventBus {
  const handlers = new Map<string, Set<EventHandler>>();
  return {
    on(name, handler) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      set.add(handler);
      return () => set!.delete(handler);
    },
    async emit(name, payload) {
      for (const handler of handlers.get(name) ?? []) {
        try {
          await handler(payload);
        } catch (error) {
          logger.error(`event handler for "${name}" failed`, { error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
  };
}
