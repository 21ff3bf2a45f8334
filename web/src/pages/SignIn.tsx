import { useState } from "react";

export function SignIn(props: { onSignIn: (key: string) => void; error: string | null }) {
  const [key, setKey] = useState("");
  return (
    <div className="signin">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) props.onSignIn(key.trim());
        }}
      >
        <h1>
          <img src="/favicon.svg" alt="" width={32} height={32} /> Tessera
        </h1>
        <p>Sign in with an API key: a read key to look, a steward key to review, merge and split.</p>
        <label>
          API key
          <input
            name="key"
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="sk_…"
            // biome-ignore lint/a11y/noAutofocus: the only field on the page
            autoFocus
          />
        </label>
        {props.error && <p className="error">{props.error}</p>}
        <button type="submit" className="primary">
          Sign in
        </button>
        <p className="hint">
          Make one with <code>tessera keys create --kind steward --name "your name"</code>.
        </p>
      </form>
    </div>
  );
}
