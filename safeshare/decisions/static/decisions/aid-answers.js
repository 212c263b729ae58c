// Progressive enhancement of the decision aid's all-questions page: show only the
// questions on the path the answers so far take, as the server walks them. Without
// this script every question shows and the server drops answers off the path.
const form = document.querySelector("form[data-aid-graph]");

if (form) {
  const graph = JSON.parse(form.dataset.aidGraph);
  const groups = form.querySelectorAll("[data-aid-question]");

  const onPath = () => {
    const path = new Set();
    let question = graph.start;
    while (question && graph.questions[question] && !path.has(question)) {
      path.add(question);
      const chosen = form.querySelector(`input[name="${question}"]:checked`);
      question = chosen ? graph.questions[question][chosen.value] : null;
    }
    return path;
  };

  const update = () => {
    const path = onPath();
    for (const group of groups) {
      group.hidden = !path.has(group.dataset.aidQuestion);
    }
  };

  form.addEventListener("change", update);
  update();
}
