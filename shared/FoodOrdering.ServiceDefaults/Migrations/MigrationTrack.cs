using System.Reflection;

namespace FoodOrdering.ServiceDefaults.Migrations;

/// <summary>
/// One numbered sequence of SQL migrations with versions of its own in <c>schema_history</c>: the
/// service's own (its <c>Persistence/Migrations/NNNN_name.sql</c>), or a building block's (the
/// messaging tables, <c>shared/FoodOrdering.Messaging/Schema/</c>). Each is embedded in its own assembly
/// under <c>migrations/</c>, so a service's Migrations folder shows only its own tables, and a change
/// of the outbox is one new file in the building block, applied to every service.
/// </summary>
/// <param name="Name">The track's name in schema_history.</param>
/// <param name="Assembly">The assembly whose <c>migrations/NNNN_name.sql</c> resources belong to it.</param>
/// <param name="LegacyName">
/// Before tracks existed, services embedded a building block's first file as a migration of their own
/// named like this; the runner moves such a row to this track's version 1 (see SqlMigrationRunner).
/// </param>
public sealed record MigrationTrack(string Name, Assembly Assembly, string? LegacyName = null)
{
    public const string ServiceTrackName = "service";

    /// <summary>The service's own migrations, embedded in <paramref name="assembly"/>.</summary>
    public static MigrationTrack Service(Assembly assembly) => new(ServiceTrackName, assembly);

    public IReadOnlyList<SqlMigration> Migrations { get; } = SqlMigration.LoadFrom(Name, Assembly);
}
