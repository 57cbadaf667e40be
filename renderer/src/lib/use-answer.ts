// One answer asked of main for a view: asked when the view shows and again whenever one of its
// inputs changes; the last answer stays while a new one is on its way, an answer that comes back
// after its inputs changed or its view closed is dropped, and a failure keeps the last answer
// (the figure it feeds stays out of sight rather than wrong).
import { useEffect, useRef, useState } from 'react';

/**
 * `ask` (null: do not ask now) is called again when `inputs` change; give inputs as plain
 * values (numbers, strings, booleans): they are compared by their JSON.
 */
export function useAnswer<T>(ask: (() => Promise<T>) | null, inputs: readonly unknown[]): T | null {
  const [answer, setAnswer] = useState<T | null>(null);
  const askRef = useRef(ask);
  useEffect(() => {
    askRef.current = ask;
  });
  const key = JSON.stringify(inputs);
  const asking = ask !== null;
  useEffect(() => {
    const question = askRef.current;
    if (!question) return;
    let current = true;
    question()
      .then((value) => current && setAnswer(() => value))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [key, asking]);
  return answer;
}
