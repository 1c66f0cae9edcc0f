package bot

// As cliEN, in Brazilian Portuguese: merged into cataloguePT when the package starts.
var cliPT = catalogue{
	"cli.help.usage":    "uso: {usage}",
	"cli.help.flags":    "opções:",
	"cli.help.no_flags": "Este comando não tem opções.",
	"cli.help.default":  "(padrão: {value})",

	"cli.usage.serve":      "runbook-bot serve",
	"cli.usage.shell":      "runbook-bot shell [--as U123]",
	"cli.usage.validate":   "runbook-bot validate [ARQUIVO]",
	"cli.usage.schedule":   "runbook-bot schedule [--from RFC3339] [--count N]",
	"cli.usage.status":     "runbook-bot status [--json]",
	"cli.usage.evidence":   "runbook-bot evidence JOB [--window HORÁRIO] [--json | --log]",
	"cli.usage.simulate":   "runbook-bot simulate [--from RFC3339] [--days N] [--fail JOB] [--no-answer JOB] [--decline JOB] [--json]",
	"cli.usage.migrate-db": "runbook-bot migrate-db --from ARQUIVO --to postgres://… [--logs DIRETÓRIO]",
	"cli.usage.version":    "runbook-bot version",

	"cli.desc.serve":      "Roda o bot no Slack (socket mode); precisa de SLACK_BOT_TOKEN e SLACK_APP_TOKEN.",
	"cli.desc.shell":      "Roda o mesmo bot, com o mesmo banco e os mesmos timers, no terminal: digite comandos /runbook, e :help para os do próprio terminal.",
	"cli.desc.validate":   "Verifica o runbook (RUNBOOK_FILE, ou ARQUIVO) e mostra o que foi entendido: cada job, a política inteira, a fonte de tickets e onde fica o estado; ou cada problema como ARQUIVO:LINHA: mensagem.",
	"cli.desc.schedule":   "Lista as próximas janelas com o horário local e em UTC, quando a confirmação é pedida e os responsáveis.",
	"cli.desc.status":     "Mostra a ocorrência atual e a próxima de cada job (e as recentes), a partir do banco de dados.",
	"cli.desc.evidence":   "Mostra as evidências de uma ocorrência do JOB (a mais recente, ou a da --window) em Markdown.",
	"cli.desc.simulate":   "Roda os próximos dias do runbook num relógio simulado e mostra, em ordem, cada mensagem, mudança de estado e registro; nada é postado, executado ou gravado.",
	"cli.desc.migrate-db": "Copia um banco SQLite (e os logs das execuções) para um banco PostgreSQL vazio.",
	"cli.desc.version":    "Mostra a versão.",

	"cli.flag.shell.as":           "o `ID` do usuário do Slack com que agir (também :as U123 no prompt); padrão: o primeiro contato do runbook",
	"cli.flag.schedule.from":      "instante inicial (`RFC3339`); padrão: agora",
	"cli.flag.schedule.count":     "quantas janelas (`N`, de 1 a 10000)",
	"cli.flag.status.json":        "saída em JSON (nomes de estado estáveis, em inglês)",
	"cli.flag.evidence.window":    "a janela da ocorrência, em RFC 3339 ou \"AAAA-MM-DD HH:MM\" UTC (`HORÁRIO`)",
	"cli.flag.evidence.json":      "saída em JSON (nomes de estado estáveis, em inglês)",
	"cli.flag.evidence.log":       "mostra, em vez disso, o log completo da última execução da ocorrência",
	"cli.flag.simulate.from":      "instante inicial (`RFC3339`); padrão: agora",
	"cli.flag.simulate.days":      "quantos dias simular (`N`, de 1 a 366)",
	"cli.flag.simulate.fail":      "um `JOB` cujas execuções falham (pode repetir)",
	"cli.flag.simulate.no-answer": "um `JOB` que ninguém responde nem executa (pode repetir)",
	"cli.flag.simulate.decline":   "um `JOB` cujo responsável recusa todas as janelas (pode repetir)",
	"cli.flag.simulate.json":      "saída em linhas JSON",
	"cli.flag.migrate-db.from":    "o `ARQUIVO` do banco SQLite (por exemplo, data/runbook.db)",
	"cli.flag.migrate-db.to":      "a `URL` do banco PostgreSQL (postgres://…); ele precisa estar vazio",
	"cli.flag.migrate-db.logs":    "opcional: o `DIRETÓRIO` dos logs das execuções (RUNBOOK_DATA_DIR/logs), para copiá-los também",

	"cli.shell.start":          "runbook-bot {version} — {jobs} job(s) de {file}. Digite :help para ajuda e /runbook help para os comandos.",
	"cli.shell.as_contact":     "Você age como {name} ({user}), o primeiro contato do runbook; para agir como outra pessoa, use :as {other} (ou inicie com --as).",
	"cli.shell.as":             "Você age como {user}; para agir como outra pessoa, use :as {other} (ou inicie com --as).",
	"cli.shell.copies":         "Este é o runbook do próprio repositório ({file}): para que nenhum arquivo versionado mude, os registros vão para cópias — {where}. Defina RUNBOOK_FILE (e RUNBOOK_CHECKINS_FILE) para gravar nos seus próprios arquivos.",
	"cli.shell.copy.delay_log": "o log de atrasos em {copy} (cópia de {file})",
	"cli.shell.copy.checkins":  "os check-ins em {copy} (cópia de {file})",
}

func init() {
	for k, v := range cliPT {
		cataloguePT[k] = v
	}
}
