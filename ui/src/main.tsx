import { render } from "preact";
import { setBackend } from "./backend";
import { tauriBackend } from "./backend/tauri";
import { App } from "./app/App";

setBackend(tauriBackend);
render(<App />, document.getElementById("app")!);
