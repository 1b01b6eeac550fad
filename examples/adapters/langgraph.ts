// A LangGraph graph, each dispatch a run: npm run serve -- examples/adapters/langgraph.ts, then dispatch {"type": "ask", "payload": {"question": "why"}}
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
const State = Annotation.Root({
  question: Annotation<string>(),
  steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  answer: Annotation<string>()
})
export default new StateGraph(State)
  .addNode('plan', (s) => ({ steps: [`look up ${s.question}`] }))
  .addNode('reply', (s) => ({ steps: ['write'], answer: `${s.question}: 42` }))
  .addEdge(START, 'plan')
  .addEdge('plan', 'reply')
  .addEdge('reply', END)
  .compile()
