package bot

// As entradas do planejamento (congelamentos, App Home, calendário, simulate),
// num bloco próprio: juntadas ao cataloguePT quando o pacote inicia.
var planPT = catalogue{
	"usage.freeze":     "/runbook freeze <AAAA-MM-DD HH:MM ou DD/MM/AAAA HH:MM> <motivo>",
	"usage.unfreeze":   "/runbook unfreeze <motivo>",
	"desc.freeze":      "Congela mudanças de agora até lá (no fuso do runbook, {zone}): confirmar e executar ficam recusados nesse meio-tempo. Operadores e quem é responsável por todos os jobs.",
	"desc.unfreeze":    "Encerra os congelamentos em vigor (definidos aqui ou declarados no runbook). Operadores e quem é responsável por todos os jobs.",
	"example.freeze":   "/runbook freeze 2025-01-10 21:00 migração do banco em andamento",
	"example.unfreeze": "/runbook unfreeze migração terminou antes",

	"action.freeze":   "congelar mudanças",
	"action.unfreeze": "encerrar um congelamento",
	"who.freeze":      "um operador do runbook ou quem é responsável por todos os jobs",

	"err.not_allowed_nojob":      "Só {who} pode {action}.",
	"err.frozen":                 "Congelamento de mudanças em vigor até {until} (“{freeze}”): {job} não pode ser confirmado nem executado até lá. /runbook check, /runbook status e /runbook run --dry-run continuam funcionando.",
	"err.window_frozen":          "A janela de {job} em {window} cai no congelamento “{freeze}” (até {until}): não pode ser confirmada.",
	"err.freeze_in_past":         "O fim do congelamento, {until}, não está no futuro.",
	"err.freeze_reason_required": "Informe um motivo: /runbook freeze <AAAA-MM-DD HH:MM ou DD/MM/AAAA HH:MM> <motivo>.",
	"err.not_frozen":             "Nenhum congelamento em vigor: nada a encerrar.",

	"reply.freeze":   "❄ Congelamento de mudanças até {until}: {reason}. Confirmar e executar ficam recusados até lá; /runbook check, /runbook status e /runbook run --dry-run continuam funcionando.",
	"reply.unfreeze": "Congelamento encerrado:",

	"freeze.text":     "“{reason}” de {from} até {until}",
	"freeze.declared": "(declarado em {file}, linha {line})",
	"freeze.in_force": "Congelamento em vigor: {what}.",
	"freeze.upcoming": "Congelamento previsto: {what}.",
	"freeze.mark":     "congelado ({reason})",

	"label.freeze_until": "Congelado até",

	"notice.frozen":         "Esta janela cai no congelamento “{reason}” (até {until}): não pode ser confirmada nem executada enquanto ele durar, e não é cobrada como atrasada.",
	"notice.open.frozen":    "{job} não executa nesta janela.",
	"notice.freeze.title":   "❄ Congelamento de mudanças até {until}",
	"notice.freeze.body":    "Definido por {by}: {reason}. Até lá nada é confirmado nem executado; os pedidos de confirmação continuam saindo e avisam.",
	"notice.unfreeze.title": "Congelamento encerrado",
	"notice.unfreeze.body":  "Encerrado por {by}: {reason}. As janelas podem ser confirmadas e executadas de novo.",

	"sim.header":             "Simulação de {file} de {from} a {to} ({days} dias): nenhum script é executado, nada é postado. Os responsáveis respondem 10 min após o pedido e executam 5 min após a janela abrir, salvo indicação contrária; os scripts levam 2 min.",
	"sim.state":              "estado: {job} ({window}): {from} → {to}",
	"sim.window":             "janela {window}",
	"sim.by":                 "por {by}",
	"sim.record":             "registro: {text}",
	"sim.checkin":            "check-in: {job} · janela {window} · {state} · tentativa {attempt}",
	"sim.delay_log":          "registro de atrasos: {job} · janela {window} · {text}",
	"sim.action":             "{by} digita: {text}",
	"sim.decline_reason":     "recusado na simulação (--decline)",
	"sim.end":                "Fim da simulação: {messages} mensagens, {states} mudanças de estado, {records} registros.",
	"sim.updated":            "atualizada",
	"cal.name":               "runbook-bot — janelas de execução",
	"cal.summary":            "{job} — {state}",
	"cal.frozen":             "Congelamento de mudanças: “{reason}” até {until}: não pode ser confirmada nem executada enquanto ele durar.",
	"home.title":             "runbook-bot — sua semana",
	"home.intro":             "Em {now}: os próximos {days} dias. Atualiza sozinho segundos após qualquer mudança.",
	"home.needs_you":         "Precisa de você",
	"home.needs_you.empty":   "Nada para você confirmar ou executar agora.",
	"home.upcoming":          "Os próximos {days} dias",
	"home.upcoming.empty":    "Nenhuma janela nos próximos dias.",
	"home.results":           "Últimos resultados ({n})",
	"home.results.empty":     "Nenhuma execução ainda.",
	"home.more.one":          "… e mais {n} janela (/runbook schedule, o feed de calendário).",
	"home.more.other":        "… e mais {n} janelas (/runbook schedule, o feed de calendário).",
	"home.preflight.pending": "Verificação pré-execução: junto com o pedido de confirmação.",
	"home.preflight.ok":      "Verificação pré-execução ok.",
	"home.preflight.failed":  "Verificação pré-execução falhou: {failed}.",
	"home.tickets":           "Tickets abertos: {n}.",
	"home.frozen_until":      "até {until}",
	"home.thread":            "Thread da execução",
	"button.check":           "Verificar",
}

func init() {
	for k, v := range planPT {
		cataloguePT[k] = v
	}
}
