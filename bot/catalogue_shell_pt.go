package bot

// As linhas do próprio terminal (shell) e o erro de texto vazio do modal, num
// bloco próprio: juntadas ao cataloguePT quando o pacote inicia.
var shellPT = catalogue{
	"prompt.empty": "Escreva algo aqui.",

	"shell.help": `Digite comandos /runbook (o prefixo "/runbook" é opcional), p. ex. "/runbook help" ou "status".
  :as U123              age como outro ID de usuário do Slack
  :press AÇÃO [texto]   aperta um botão (pelo id ou pelo rótulo) da mensagem mais recente que o oferece;
                        numa mensagem sobre uma janela que já passou, o bot avisa e nada muda
  :home                 a sua App Home: o que depende de você, os próximos 7 dias, os últimos resultados
  :help                 esta ajuda
  :quit                 sai (o fim da entrada também serve)`,
	"shell.usage_as":       "uso: :as U123",
	"shell.acting_as":      "agora agindo como {who}",
	"shell.unknown":        "comando do shell desconhecido {command} — experimente :help",
	"shell.no_buttons":     "ainda não há mensagem com botões",
	"shell.no_such_button": "botão inexistente; a última mensagem oferece: {buttons}",
	"shell.asks_for":       "{button} pede {what}: :press {id} <{hint}>",
	"shell.home_failed":    "não foi possível montar a Home: {error}",
	"shell.updated":        "(atualizada)",
}
