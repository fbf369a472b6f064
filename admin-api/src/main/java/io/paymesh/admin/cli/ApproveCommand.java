package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code approve ID}: a second security admin commits a four-eyes proposal (POST
 * /v1/proposals/{id}/approve) after seeing what it changes. The API refuses the proposer
 * themselves and an approval without a reason.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
    description = {"Approve a pending four-eyes proposal as a second security admin.",
        "Shows the proposal, confirms, approves. Needs --reason (the approver's own) and a"
            + " security-admin or admin token other than the proposer's."})
final class ApproveCommand implements Callable<Integer> {

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", paramLabel = "ID", description = "the proposal (paymeshctl proposals)")
  String id;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "why you approve it (X-Paymesh-Reason)")
  String reason;

  @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
  boolean yes;

  @Override
  public Integer call() {
    AdminClient client = root.client();
    String path = "v1/proposals/" + AdminClient.segment(id);
    JsonNode proposal = client.get(path, AdminClient.JSON)
        .requireOk("reading proposal " + id).json();
    var out = root.terminal.out();
    out.println("Proposal " + id + " by " + proposal.path("proposer").asText() + ": "
        + proposal.path("reason").asText());
    out.println("  " + ProposalsCommand.documents(proposal));
    proposal.path("securityChanges").forEach(s -> out.println("  " + s.asText()));
    if (!yes && !root.terminal.confirm("Approve proposal " + id + "?")) {
      root.terminal.err().println("Not approved.");
      return ExitCodes.ERROR;
    }
    // Approving twice commits once (the second is 404), so no Idempotency-Key is needed here.
    ApiReply reply = client.send("POST", path + "/approve", Map.of("X-Paymesh-Reason", reason))
        .requireOk("approving proposal " + id);
    out.println("approved " + id + ": committed at revision " + reply.json().path("revision").asLong());
    return ExitCodes.OK;
  }
}
