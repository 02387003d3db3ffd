import { type FormEvent, useState } from 'react';
import { SignInError } from './session';

/** Why a sign-in failed, as the form says it: the apps word each in the reader's language. */
export type SignInProblem = 'unreachable' | 'locked' | 'throttled' | 'failed';

export function signInProblemOf(err: unknown): SignInProblem {
  if (err instanceof TypeError) return 'unreachable';
  if (err instanceof SignInError && err.code === 'ACCOUNT_LOCKED') return 'locked';
  if (err instanceof SignInError && err.status === 429) return 'throttled';
  return 'failed';
}

/** The state of an e-mail and password form, submitted through the app's `signIn`. */
export function useSignInForm(signIn: (email: string, password: string) => Promise<unknown>) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<SignInProblem>();
  const [working, setWorking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setWorking(true);
    setProblem(undefined);
    try {
      await signIn(email.trim(), password);
    } catch (err) {
      setProblem(signInProblemOf(err));
    } finally {
      setWorking(false);
    }
  };
  return { email, setEmail, password, setPassword, problem, working, submit };
}
